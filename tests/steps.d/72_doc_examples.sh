# The header's own tier-1 and tier-2 examples, extracted from its opening
# documentation, built as C99 and C++11 and run (tests/doc_examples.sh).
prog doc-examples bash tests/doc_examples.sh
