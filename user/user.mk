# user/: libc-lite (libu.a) and the applications that run on Nimble LWK.
# Programs link statically at 0x400000 with our own _start; nothing from
# the host's libc.  Link a program as
#   $(CC) $(USER_CFLAGS) $(USER_LDFLAGS) -o prog $(USER_CRT0) objs... $(ULIB)
# libu.a holds user/lib and the lib/ shared with the kernel (strings,
# the formatter, the ELF check: LIB_UOBJS, lib/lib.mk).
ULIB_SRCS := $(sort $(wildcard user/lib/*.c))
ULIB_OBJS := $(patsubst user/%,$(B)/user/%.o,$(ULIB_SRCS)) $(LIB_UOBJS)
USER_CRT0 := $(B)/user/lib/start.S.o
ULIB      := $(B)/user/libu.a
USER_LDFLAGS := -static -nostdlib -Wl,--build-id=none -Wl,-z,noexecstack
USER_HDRS := $(wildcard user/include/*.h) include/uapi/lwk.h include/uapi/pct_abi.h $(wildcard include/lwk/*.h)

$(B)/user/%.c.o: user/%.c $(USER_HDRS)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -c -o $@ $<
$(B)/user/%.S.o: user/%.S
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -c -o $@ $<
$(ULIB): $(ULIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

ALL += $(ULIB) $(USER_CRT0)

# The demo application (module name app-prio: the PCT starts every app*).
DEMO_APP := $(B)/user/app-prio
$(DEMO_APP): user/demo/prio_demo.c include/uapi/pct_abi.h $(ULIB) $(USER_CRT0) $(USER_HDRS)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) $(USER_LDFLAGS) -o $@ $(USER_CRT0) user/demo/prio_demo.c $(ULIB)
ALL += $(DEMO_APP)
