/* odeus_auth.h - v0.1.0 - configure how users authenticate to an Odeus custom
 * integration (PATCH /integrations/v1/{id}/auth) from firmware and small
 * tools. Single header, C99, no heap. MIT license (at the end of the file).
 *
 * ============================================================================
 * DO THIS
 * ============================================================================
 * In exactly one .c file:
 *
 *     #define ODEUS_AUTH_IMPLEMENTATION
 *     #define ODEUS_AUTH_MBEDTLS      (only if you want the bundled POSIX +
 *                                      mbedTLS transport; link -lmbedtls
 *                                      -lmbedx509 -lmbedcrypto)
 *     #include "odeus_auth.h"
 *
 * Everywhere else just #include "odeus_auth.h". A library that embeds this
 * header in its own code defines ODEUS_AUTH_STATIC as well: every function
 * becomes static, so two copies never clash.
 *
 * ============================================================================
 * WHAT IT DOES
 * ============================================================================
 * The Update Auth Configuration endpoint sets how the users of an
 * integration connect to the external service: no auth, an API key or
 * service account (with the fields users fill in), or OAuth. This library
 *
 *   - holds that configuration in plain structs (odeus_config),
 *   - checks every rule the server would check, before a byte is sent, and
 *     reports each problem with its JSON path ("authFields[1].label: 101
 *     characters, max 100"),
 *   - writes the exact HTTP/1.1 request, through a window as small as you
 *     like (256 bytes is plenty), the Content-Length known in advance,
 *   - reads the answer as it arrives, in pieces of any size, in constant
 *     RAM: a strict HTTP/1.1 parser and a strict push JSON reader,
 *   - talks to the server over any network through two callbacks with
 *     mbedTLS' BIO semantics (lwIP, an RTOS, a modem), or over the bundled
 *     POSIX + mbedTLS transport with certificate and host name checks on,
 *     timeouts, keep-alive, session resumption and retries.
 *
 * ============================================================================
 * A COMPLETE EXAMPLE
 * ============================================================================
 *
 *     static const odeus_auth_field fields[] = {
 *       { ODEUS_LIT("api_key"), ODEUS_LIT("API Key"), ODEUS_FIELD_PASSWORD,
 *         ODEUS_LIT("Found under Settings > API"), ODEUS_LIT("sk-..."), ODEUS_BOOL_TRUE },
 *       { ODEUS_LIT("base_url"), ODEUS_LIT("Base URL"), ODEUS_FIELD_TEXT,
 *         ODEUS_LIT("Your account's API base URL"), ODEUS_LIT("https://api.example.com"),
 *         ODEUS_BOOL_FALSE }
 *     };
 *     odeus_config config = { ODEUS_AUTH_API_KEY, fields, 2, { NULL, 0 }, NULL };
 *     odeus_request request = { NULL,               // https://api.odeus.ai
 *                               my_api_key,         // needs the INTEGRATION_API scope
 *                               "550e8400-e29b-41d4-a716-446655440000", &config };
 *
 *     odeus_problem items[16];
 *     odeus_problems problems = { items, 16, 0 };
 *     if (odeus_validate_config(&config, &problems) != ODEUS_OK) {
 *       char line[200];
 *       for (size_t i = 0; i < problems.count && i < 16; i++) {
 *         odeus_problem_format(&items[i], line, sizeof line);
 *         puts(line);
 *       }
 *     }
 *
 *     // Over your own network (see odeus_io), through a 256-byte window:
 *     odeus_answer_field got_fields[4];
 *     char strings[1024];
 *     odeus_answer answer = { got_fields, 4, strings, sizeof strings };
 *     unsigned char window[256];
 *     odeus_exchange x;
 *     odeus_result r = odeus_exchange_begin(&x, &request, &answer, window, sizeof window);
 *     if (r == ODEUS_OK)
 *       do r = odeus_exchange_run(&x, &io);  // io: your send/recv callbacks
 *       while ((r == ODEUS_WANT_READ || r == ODEUS_WANT_WRITE) && wait_for_socket());
 *     odeus_exchange_end(&x);                 // wipes the window (it held the key)
 *     // r == ODEUS_OK: answer.id, answer.auth_type, answer.fields[0..] ...
 *     // else odeus_result_text(r) and answer.message say what went wrong.
 *
 * README.md has the same example with the bundled transport (odeus_client).
 *
 * ============================================================================
 * THE MODEL
 * ============================================================================
 * Zero-initialise every struct, then set what you need: a zero member means
 * "not set" and is left out of the body. Strings are odeus_str (pointer and
 * length, UTF-8, need not be NUL-terminated); ODEUS_LIT("x") for literals,
 * odeus_cstr(s) for C strings. authFields is omitted when fields is NULL and
 * sent as [] when fields is non-NULL with field_count 0. Optional booleans
 * are odeus_bool (UNSET is omitted). Lengths are counted as the server
 * counts them, in UTF-16 code units: "\xc3\xa9" (e-acute) is 1, U+1F600 (an emoji) is 2.
 *
 * Keys are written in this order: authType, authFields (slug, label, type,
 * description, placeholder, required), authTestCode, oauthClient (scopes,
 * authUrl, tokenUrl, clientId, clientSecret, label, authorizationCode,
 * accessTokenCode, refreshTokenCode).
 *
 * ============================================================================
 * ERRORS
 * ============================================================================
 * Every function returns an odeus_result: ODEUS_OK (0) or a negative value
 * that never changes between versions; odeus_result_text() describes it.
 * There is no global error state. Validation details go into a caller-owned
 * odeus_problems (a bound and a total count: nothing is lost, nothing is
 * allocated). The library never prints, aborts or exits.
 *
 * ============================================================================
 * MEMORY, STACK, THREADS
 * ============================================================================
 * No heap: nothing here calls malloc or free, and there are no allocator
 * hooks because there is nothing to hook. Every output goes to a buffer you
 * pass with its capacity; writers follow snprintf: they never write past
 * the capacity and report the size they need (pass NULL, 0 to measure).
 * The stack use of every function is bounded (no recursion without a
 * compile-time bound; see `make size` for the figures). There is no global
 * mutable state: separate objects may be used from separate threads.
 * mbedTLS allocates on its own; README.md shows how to give it a static
 * arena.
 *
 * ============================================================================
 * SECURITY
 * ============================================================================
 * Certificates and host names are verified unless insecure mode is asked
 * for by name. The API key may only hold visible ASCII (no header
 * injection). The window that carried the request, the key and any
 * clientSecret is wiped after use on every path; dumps (the redacted
 * writer) show [REDACTED] instead. Plain http:// is used only when the base
 * URL says so. Hostile answers end in a specific error code, never in a
 * read past the data.
 */

