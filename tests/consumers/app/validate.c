/* The consumers' program: checks a config with two mistakes and prints,
 * byte for byte what tests/buildsys.sh expects, the version, the
 * configuration macros as this file sees them and as the compiled library
 * applies them (the deepest JSON nesting it accepts), and the problems. */
#include "odeus_auth.h"
#include <stdio.h>
#include <string.h>

/* The deepest nesting the library accepts: an answer body {"x":[[0]]} with
 * n arrays nests n + 1 deep, n = 0, 1, ...; the first n the answer reader
 * refuses as too deep (the member is one it skips) is the bound. */
static int library_depth(void)
{
  char text[160];
  int n, i;
  for (n = 0; n <= 64; n++) {
    odeus_answer answer;
    odeus_answer_reader reader;
    size_t len = 0;
    memcpy(text, "{\"x\":", 5);
    len = 5;
    for (i = 0; i < n; i++) text[len++] = '[';
    text[len++] = '0';
    for (i = 0; i < n; i++) text[len++] = ']';
    text[len++] = '}';
    memset(&answer, 0, sizeof answer);
    odeus_answer_begin(&reader, &answer, 200);
    if (odeus_answer_feed(&reader, text, len) == ODEUS_ERR_JSON_DEPTH) return n;
  }
  return -1;
}

int main(void)
{
  static const odeus_auth_field fields[] = {
    { ODEUS_LIT("api_key"), ODEUS_LIT("API Key"), ODEUS_FIELD_PASSWORD,
      ODEUS_LIT("Found under Settings > API"), ODEUS_LIT("sk-..."), ODEUS_BOOL_TRUE },
    { ODEUS_LIT("api_key"), ODEUS_LIT(""), ODEUS_FIELD_TEXT,
      { NULL, 0 }, { NULL, 0 }, ODEUS_BOOL_UNSET }
  };
  static const odeus_config config = { ODEUS_AUTH_API_KEY, fields, 2, { NULL, 0 }, NULL };
  odeus_problem items[8];
  odeus_problems problems = { items, 8, 0 };
  char line[200];
  size_t i;
  odeus_result r;

  printf("odeus_auth %s\n", ODEUS_AUTH_VERSION_STRING);
  printf("depth %d (library %d), base %s\n", ODEUS_JSON_MAX_DEPTH, library_depth(),
         ODEUS_DEFAULT_BASE_URL);
  r = odeus_validate_config(&config, &problems);
  printf("%s, %u problems\n", odeus_result_text(r), (unsigned)problems.count);
  for (i = 0; i < problems.count && i < 8; i++) {
    odeus_problem_format(&items[i], line, sizeof line);
    puts(line);
  }
  return r == ODEUS_ERR_CONFIG ? 0 : 1;
}
