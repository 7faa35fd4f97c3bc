# Toolchain file: the instruction set of the ESP32-C3 and C2 (RV32IMC, ilp32)
# with Debian's bare-metal RISC-V compiler and newlib's headers (ESP-IDF's C
# library is newlib too). ESP-IDF brings its own riscv32-esp-elf compiler;
# this one compiles for the same RV32IMC. Compiles libraries only: nothing
# here links a program.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR riscv32)
set(CMAKE_C_COMPILER riscv64-unknown-elf-gcc)
set(CMAKE_C_FLAGS_INIT "-march=rv32imc -mabi=ilp32 -isystem /usr/include/newlib -ffunction-sections -fdata-sections")
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
