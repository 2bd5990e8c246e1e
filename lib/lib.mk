# lib/: the freestanding code shared by the kernel, user space and the
# host (strings, strlcpy, the formatter, the ELF check; headers in
# include/lwk/, docs/design.md).  Each lib/NAME.c is compiled once per
# flavour, into its own directory:
#   LIB_HOST_OBJS  $(B)/lib/host/NAME.o    HOST_CFLAGS: libnimble.a takes fmt.o
#   LIB_SAN_OBJS   $(B)/lib/san/NAME.o     SAN_CFLAGS: libnimble-san.a and the host tests
#   LIB_KOBJS      $(B)/lib/kernel/NAME.o  KERNEL_CFLAGS: linked into the kernel
#   LIB_UOBJS      $(B)/lib/user/NAME.o    USER_CFLAGS: in libu.a
# string.c is not linked into host programs (the C library has its own);
# tests/ulib/ulib_tap tests it as user code.
LIB_SRCS      := $(sort $(wildcard lib/*.c))
LIB_HOST_OBJS := $(patsubst lib/%.c,$(B)/lib/host/%.o,$(LIB_SRCS))
LIB_SAN_OBJS  := $(patsubst lib/%.c,$(B)/lib/san/%.o,$(LIB_SRCS))
LIB_KOBJS     := $(patsubst lib/%.c,$(B)/lib/kernel/%.o,$(LIB_SRCS))
LIB_UOBJS     := $(patsubst lib/%.c,$(B)/lib/user/%.o,$(LIB_SRCS))

$(B)/lib/host/%.o: lib/%.c
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(DEPFLAGS) -c $< -o $@
$(B)/lib/san/%.o: lib/%.c
	@mkdir -p $(@D)
	$(CC) $(SAN_CFLAGS) $(DEPFLAGS) -c $< -o $@
$(B)/lib/kernel/%.o: lib/%.c
	@mkdir -p $(@D)
	$(CC) $(KERNEL_CFLAGS) $(DEPFLAGS) -c $< -o $@
$(B)/lib/user/%.o: lib/%.c
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) $(DEPFLAGS) -c $< -o $@
