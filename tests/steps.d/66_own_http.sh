# examples/own_http.c: tier 2 (an HTTP client of one's own) against the mock.
prog own-http bash tests/own_http_test.sh
