# Toolchain file: Xtensa with Debian's xtensa-lx106-elf compiler and newlib's
# headers. The LX106 is the ESP8266's core (ESP8266_RTOS_SDK); the ESP32, S2
# and S3 use the LX6 and LX7, whose compilers Debian does not package.
# Compiles libraries only: nothing here links a program.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR xtensa)
set(CMAKE_C_COMPILER xtensa-lx106-elf-gcc)
set(CMAKE_C_FLAGS_INIT "-mlongcalls -isystem /usr/include/newlib -ffunction-sections -fdata-sections")
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
