prog readme-quickstart bash tests/readme_test.sh
