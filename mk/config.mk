# Toolchains, flags and the dependency check shared by every part.

B      ?= build
ifeq ($(origin CC),default)
CC     := gcc
endif
LD     := ld
RE2C   := re2c
QEMU   := qemu-system-x86_64

# Host code (libnimble, extc, nxrun, tests, benchmarks).  DWARF 4: valgrind
# 3.19 (callgrind in bench/) cannot read the DWARF 5 clang emits by default.
HOST_CFLAGS   := -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -g -gdwarf-4 -Wall -Wextra -Werror -Iinclude
# Host tests: the same code under AddressSanitizer and UBSan.
SAN_CFLAGS    := -std=c11 -D_POSIX_C_SOURCE=200809L -O1 -g -Wall -Wextra -Werror -Iinclude \
                 -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

# The kernel: freestanding, higher half (-mcmodel=kernel), no red zone, no
# SIMD state in the kernel, no retpolines (threaded dispatch needs plain
# indirect jumps, see shared ENVIRONMENT.md).
KERNEL_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Iinclude -Ikernel/include \
                 -ffreestanding -fno-builtin -nostdlib -fno-pic -fno-pie -mcmodel=kernel \
                 -mno-red-zone -mno-mmx -mno-sse -mno-sse2 -mno-avx -fno-stack-protector \
                 -fno-asynchronous-unwind-tables -fno-omit-frame-pointer -DNX_KERNEL=1
# User programs (PCT, applications): static, freestanding, our own libc-lite.
USER_CFLAGS   := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Iinclude -Iuser/include \
                 -ffreestanding -fno-builtin -nostdlib -static -fno-pic -fno-pie \
                 -fno-stack-protector -mno-red-zone

# Header dependencies: every compile passes DEPFLAGS, so the compiler
# writes the headers it read to a .d file beside its output, and the
# Makefile includes every .d under $(B) (see cc_prog there).
DEPFLAGS := -MMD -MP

# Packages each goal needs (Debian 12); tools/deps.sh installs what is missing.
DEPS_BUILD := gcc make re2c grub-pc-bin grub-common xorriso mtools
DEPS_RUN   := $(DEPS_BUILD) qemu-system-x86 iproute2
DEPS_TEST  := $(DEPS_RUN) clang libclang-rt-14-dev valgrind \
              liblua5.4-dev libluajit-5.1-dev gforth libpcap-dev gnuplot-nox \
              musl-tools busybox-static

deps:
	@tools/deps.sh $(DEPS_BUILD)
deps-run:
	@tools/deps.sh $(DEPS_RUN)
deps-test:
	@tools/deps.sh $(DEPS_TEST)

# Collected from the parts.
ALL       :=
TESTS     :=
TEST_DEPS :=
FUZZERS   :=
