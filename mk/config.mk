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

# Header dependencies, one way: every compile passes DEPFLAGS (-MMD -MP),
# so the compiler writes the headers it read to a .d file beside its
# output, and the Makefile includes every .d under $(B): touching a header
# rebuilds what included it, and no rule lists headers by hand.
#   an object                     $(CC) FLAGS $(DEPFLAGS) -c $< -o $@
#   a program from one source     $(CC) FLAGS $(DEPFLAGS) -o $@ SRC LIBS  ($@.d)
#   a program from several        $(call cc_prog,COMPILER FLAGS,SOURCES,LIBS)
DEPFLAGS := -MMD -MP

# $(call cc_prog,COMPILER AND FLAGS,SOURCES,LINK INPUTS): the recipe of the
# program $@ built from several C sources (the .c files of SOURCES, so $^
# will do: the .d files add headers to it).  Each is compiled into $@.o/,
# its .d naming $@ as the target (and the source itself as an empty rule,
# so that a source taken out of the list does not stop the next build);
# then all are linked with LINK INPUTS (objects, archives, -l options).
cc_obj_ = $@.o/$(subst /,_,$(basename $(1))).o
define cc_prog
	@rm -rf $@.o && mkdir -p $@.o
	$(foreach s,$(filter %.c,$(2)),$(1) $(DEPFLAGS) -MT $@ -c $(s) -o $(call cc_obj_,$(s)) && echo '$(s):' >> $(basename $(call cc_obj_,$(s))).d && ) true
	$(1) -o $@ $(foreach s,$(filter %.c,$(2)),$(call cc_obj_,$(s))) $(3)
endef

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
