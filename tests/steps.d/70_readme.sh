# The README's quick start, compiled from the README itself and run against
# the mock server (tests/readme_test.sh).
mock_server > /dev/null 2>&1
prog readme-quickstart bash tests/readme_test.sh
