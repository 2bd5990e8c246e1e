# extc: the extension compiler (docs/language.md) and disassembler.
#   $(B)/extc                         the command
#   $(B)/%.nx: %.ext                  compile any extension in the tree, e.g.
#                                     build/ext-examples/foo.nx from ext-examples/foo.ext
#   EXTC_LIB_SRCS / EXTC_LEX_C        the front end as a library (the fuzz target)

EXTC       := $(B)/extc
EXTC_LEX_C := $(B)/gen/extc-lex.c
EXTC_LIB_SRCS := extc/extc.c extc/diag.c extc/parse.c extc/check.c extc/gen.c \
                 extc/opt.c extc/emit.c extc/dis.c
# The engine's name library (names, formats, folding) extc links, as every tool does.
EXTC_NAMES_SRCS := nimble/names.c nimble/fold.c nimble/str.c

$(EXTC_LEX_C): extc/lex.re
	@mkdir -p $(@D)
	$(RE2C) -W --no-generation-date -o $@ $<

$(EXTC): extc/main.c $(EXTC_LIB_SRCS) $(EXTC_NAMES_SRCS) $(EXTC_LEX_C)
	$(call cc_prog,$(CC) $(HOST_CFLAGS) -iquote extc,extc/main.c $(EXTC_LIB_SRCS) $(EXTC_NAMES_SRCS) $(EXTC_LEX_C))

$(B)/%.nx: %.ext $(EXTC)
	@mkdir -p $(@D)
	$(EXTC) -o $@ $<

ALL += $(EXTC)
