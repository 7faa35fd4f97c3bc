/* The header-only target: this file holds the implementation. */
#define ODEUS_AUTH_IMPLEMENTATION
#include "odeus_auth.h"
