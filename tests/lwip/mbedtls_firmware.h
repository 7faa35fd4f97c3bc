/* What a firmware's mbedTLS 2.28 leaves out, on top of Debian's
 * configuration (MBEDTLS_USER_CONFIG_FILE): no file system, no sockets, no threads, no
 * timing module. For the transport's size on Cortex-M4 (tests/lwip/size.sh). */
#undef MBEDTLS_FS_IO
#undef MBEDTLS_NET_C
#undef MBEDTLS_TIMING_C
#undef MBEDTLS_HAVEGE_C
#undef MBEDTLS_PSA_ITS_FILE_C
#undef MBEDTLS_PSA_CRYPTO_STORAGE_C
#define MBEDTLS_NO_PLATFORM_ENTROPY
#undef MBEDTLS_THREADING_C
#undef MBEDTLS_THREADING_PTHREAD
