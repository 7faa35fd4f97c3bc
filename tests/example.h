/* The documentation's API-key example (README quick start), shared by the
 * benchmarks and the size program: the config and the server's 200 answer. */
#ifndef ODEUS_TEST_EXAMPLE_H
#define ODEUS_TEST_EXAMPLE_H

#define EXAMPLE_ID "550e8400-e29b-41d4-a716-446655440000"
#define EXAMPLE_KEY "ody-example-key"

static const odeus_auth_field example_fields[] = {
  { ODEUS_LIT("api_key"), ODEUS_LIT("API Key"), ODEUS_FIELD_PASSWORD,
    ODEUS_LIT("Found under Settings > API"), ODEUS_LIT("sk-..."), ODEUS_BOOL_TRUE },
  { ODEUS_LIT("base_url"), ODEUS_LIT("Base URL"), ODEUS_FIELD_TEXT,
    ODEUS_LIT("Your account's API base URL"), ODEUS_LIT("https://api.example.com"), ODEUS_BOOL_FALSE }
};

static const odeus_config example_config = {
  ODEUS_AUTH_API_KEY, example_fields, 2,
  ODEUS_LIT("const response = await fetch(secrets.base_url + '/me', {\n"
            "  headers: { 'Authorization': 'Bearer ' + secrets.api_key }\n"
            "});\n"
            "if (!response.ok) throw new Error('Invalid key');"),
  NULL
};

/* 814 bytes: the head and the body the server answers to the example. */
static const char example_answer[] =
  "HTTP/1.1 200 OK\r\n"
  "Server: odeus-1\r\n"
  "Content-Type: application/json; charset=utf-8\r\n"
  "Content-Length: 686\r\n"
  "Connection: keep-alive\r\n"
  "\r\n"
  "{\"integration\":{\"id\":\"550e8400-e29b-41d4-a716-446655440000\",\"authType\":\"API_KEY\","
  "\"authTestCode\":\"const response = await fetch(secrets.base_url + '/me', {\\n  headers: "
  "{ 'Authorization': 'Bearer ' + secrets.api_key }\\n});\\nif (!response.ok) throw new Error('Invalid key');\","
  "\"authFields\":[{\"id\":\"f1a6c2de-2b1e-4c57-9d0a-0b8a4f1e2a11\",\"slug\":\"api_key\",\"label\":\"API Key\","
  "\"type\":\"PASSWORD\",\"description\":\"Found under Settings > API\",\"placeholder\":\"sk-...\",\"required\":true},"
  "{\"id\":\"0c9e2f43-7d5b-4a8e-b1c6-3e2d9f8a7b22\",\"slug\":\"base_url\",\"label\":\"Base URL\",\"type\":\"TEXT\","
  "\"description\":\"Your account's API base URL\",\"placeholder\":\"https://api.example.com\",\"required\":false}],"
  "\"oauthClient\":null}}";

#endif
