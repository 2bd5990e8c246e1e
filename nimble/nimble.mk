# nimble: the extension engine.
#   $(B)/libnimble.a      engine + host embedding (HOST_CFLAGS)
#   $(B)/libnimble-san.a  the same under ASan/UBSan, for tests
#   $(B)/nxrun            the host runner
#   NIMBLE_KOBJS          the portable engine built with KERNEL_CFLAGS, for the
#                         kernel link (the kernel supplies nx_host_* and nx_helper_impl)
NIMBLE_SRCS := nimble/str.c nimble/names.c nimble/fold.c nimble/load.c nimble/verify.c nimble/translate.c \
               nimble/decode.c nimble/live.c nimble/zero.c nimble/fuse.c \
               nimble/exec.c nimble/run.c nimble/ref.c nimble/registry.c nimble/helpers.c
# The host embedding; the message formatter comes from lib/ (lib/lib.mk),
# which the kernel links on its own.
NIMBLE_HOST_SRCS := nimble/host/host.c nimble/host/watch.c

NIMBLE_OBJS     := $(patsubst %.c,$(B)/host/%.o,$(NIMBLE_SRCS) $(NIMBLE_HOST_SRCS)) $(B)/lib/host/fmt.o
NIMBLE_SAN_OBJS := $(patsubst %.c,$(B)/san/%.o,$(NIMBLE_SRCS) $(NIMBLE_HOST_SRCS)) $(B)/lib/san/fmt.o
NIMBLE_KOBJS    := $(patsubst nimble/%.c,$(B)/kernel/nimble/%.o,$(NIMBLE_SRCS))

# The handler sets without jump tables: then every indirect jmp in them is
# a dispatch, which the runaway stop relies on (docs/engine.md;
# tests/nimble/exec-jumps.sh checks the objects).
$(B)/host/nimble/exec.o $(B)/san/nimble/exec.o $(B)/kernel/nimble/exec.o: NIMBLE_XFLAGS := -fno-jump-tables

$(B)/host/nimble/%.o: nimble/%.c
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(NIMBLE_XFLAGS) $(DEPFLAGS) -Inimble -c $< -o $@
$(B)/san/nimble/%.o: nimble/%.c
	@mkdir -p $(@D)
	$(CC) $(SAN_CFLAGS) $(NIMBLE_XFLAGS) $(DEPFLAGS) -Inimble -c $< -o $@
$(B)/kernel/nimble/%.o: nimble/%.c
	@mkdir -p $(@D)
	$(CC) $(KERNEL_CFLAGS) $(NIMBLE_XFLAGS) $(DEPFLAGS) -Inimble -c $< -o $@

$(B)/libnimble.a: $(NIMBLE_OBJS)
	rm -f $@ && ar rcs $@ $^
$(B)/libnimble-san.a: $(NIMBLE_SAN_OBJS)
	rm -f $@ && ar rcs $@ $^

# The engine for the libFuzzer targets (clang, fuzzer instrumentation and
# ASan/UBSan), built once and linked by each of them: the exec function's
# handlers make it the slowest file to build this way.
NIMBLE_FUZZ_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -O1 -g -Wall -Wextra -Werror -Iinclude \
                      -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
NIMBLE_FUZZ_OBJS := $(patsubst %.c,$(B)/fuzzlib/%.o,$(NIMBLE_SRCS) $(NIMBLE_HOST_SRCS) lib/fmt.c)
$(B)/fuzzlib/%.o: %.c
	@mkdir -p $(@D)
	clang $(NIMBLE_FUZZ_CFLAGS) $(DEPFLAGS) -Inimble -Inimble/host -c $< -o $@
$(B)/libnimble-fuzz.a: $(NIMBLE_FUZZ_OBJS)
	rm -f $@ && ar rcs $@ $^

$(B)/nxrun: nimble/host/nxrun.c $(B)/libnimble.a
	$(CC) $(HOST_CFLAGS) $(DEPFLAGS) -Inimble $< $(B)/libnimble.a -o $@

# The kernel objects are built by `make` too, so a freestanding break shows at once.
ALL += $(B)/libnimble.a $(B)/nxrun $(NIMBLE_KOBJS)

# Reference pages generated from the shared tables: `make docs` rewrites them,
# tests/nimble/docs-check.sh fails when the committed ones differ.
# gendoc links the name library (names.c) like every other tool.
GENDOC_SRCS := tools/gendoc.c nimble/names.c nimble/str.c
$(B)/gendoc: $(GENDOC_SRCS)
	$(call cc_prog,$(CC) $(HOST_CFLAGS),$^)
.PHONY: docs
docs: $(B)/gendoc
	$(B)/gendoc docs
ALL += $(B)/gendoc
