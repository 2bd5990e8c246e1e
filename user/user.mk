# user/: libc-lite (libu.a) and the applications that run on Nimble LWK.
# Programs link statically at 0x400000 with our own _start; nothing from
# the host's libc.  Link a program as
#   $(CC) $(USER_CFLAGS) $(DEPFLAGS) $(USER_LDFLAGS) -o prog $(USER_CRT0) prog.c $(ULIB)
# libu.a holds user/lib and the lib/ shared with the kernel (strings,
# the formatter, the ELF check: LIB_UOBJS, lib/lib.mk).
ULIB_SRCS := $(sort $(wildcard user/lib/*.c))
ULIB_OBJS := $(patsubst user/%,$(B)/user/%.o,$(ULIB_SRCS)) $(LIB_UOBJS)
USER_CRT0 := $(B)/user/lib/start.S.o
ULIB      := $(B)/user/libu.a
USER_LDFLAGS := -static -nostdlib -Wl,--build-id=none -Wl,-z,noexecstack

$(B)/user/%.c.o: user/%.c
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) $(DEPFLAGS) -c -o $@ $<
$(B)/user/%.S.o: user/%.S
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) $(DEPFLAGS) -c -o $@ $<
$(ULIB): $(ULIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

ALL += $(ULIB) $(USER_CRT0)

# The demo application (module name app-prio: the PCT starts every app*).
DEMO_APP := $(B)/user/app-prio
$(DEMO_APP): user/demo/prio_demo.c $(ULIB) $(USER_CRT0)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) $(DEPFLAGS) $(USER_LDFLAGS) -o $@ $(USER_CRT0) $< $(ULIB)
ALL += $(DEMO_APP)
