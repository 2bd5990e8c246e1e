# extc tests (TAP): execution of examples and construct tests in nxrun in both
# trust modes, golden diagnostics, the docs' code blocks, a short fuzz run.
# Each test is a generated wrapper that calls a script in tests/extc with
# this build's paths.
EXTC_T      := $(B)/tests/extc
EXTC_RUN_EXT  := $(sort $(wildcard tests/extc/run/*.ext))
EXTC_DIAG_EXT := $(sort $(wildcard tests/extc/diag/*.ext))
EXTC_DOCS   := $(sort $(wildcard docs/*.md))

# $(call extc_wrapper,script args...) -> a shell script that runs it
define extc_wrapper
	@mkdir -p $(@D)
	printf '#!/bin/sh\nexec %s\n' '$(1)' > $@
	chmod +x $@
endef

$(EXTC_T)/run-examples: tests/extc/run.sh tests/extc/rules.mk $(EXAMPLES_EXT)
	$(call extc_wrapper,tests/extc/run.sh $(EXTC) $(B)/nxrun $(EXTC_T)/work-examples $(EXAMPLES_EXT))
$(EXTC_T)/run-constructs: tests/extc/run.sh tests/extc/rules.mk $(EXTC_RUN_EXT)
	$(call extc_wrapper,tests/extc/run.sh $(EXTC) $(B)/nxrun $(EXTC_T)/work-run $(EXTC_RUN_EXT))

$(EXTC_T)/fault-line: tests/extc/fault-line.sh tests/extc/rules.mk
	$(call extc_wrapper,tests/extc/fault-line.sh $(EXTC) $(B)/nxrun $(EXTC_T)/work-fault-line)

$(EXTC_T)/diagnostics: tests/extc/diag.sh tests/extc/rules.mk $(EXTC_DIAG_EXT)
	$(call extc_wrapper,tests/extc/diag.sh $(abspath $(EXTC)) tests/extc/diag)

$(EXTC_T)/docs: tests/extc/docs.sh tests/extc/rules.mk $(EXTC_DOCS)
	$(call extc_wrapper,tests/extc/docs.sh $(EXTC) $(EXTC_T)/work-docs $(EXTC_DOCS))

# libFuzzer target (always clang): extc front and back end, and the engine
# accepting what extc emits.  Seeded with the examples and test programs.
EXTC_FUZZ := $(B)/fuzz/fuzz_extc
EXTC_FUZZ_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -O1 -g -Wall -Wextra -Werror -Iinclude \
                    -Inimble -Inimble/host -iquote extc -fsanitize=fuzzer,address,undefined \
                    -fno-sanitize-recover=all
$(EXTC_FUZZ): tests/extc/fuzz_extc.c $(EXTC_LIB_SRCS) $(EXTC_LEX_C) $(B)/libnimble-fuzz.a
	$(call cc_prog,clang $(EXTC_FUZZ_CFLAGS),$(filter %.c,$^),$(B)/libnimble-fuzz.a)
FUZZERS += $(EXTC_FUZZ)

# make test: a 20 s run on a corpus seeded from the tree's extensions
# (and compiled objects, for the disassembler).
$(EXTC_T)/fuzz-short: $(EXTC_FUZZ) tests/extc/rules.mk $(EXAMPLES_NX)
	@mkdir -p $(@D) $(B)/fuzz-corpus/fuzz_extc
	$(foreach f,$(EXAMPLES_EXT) $(EXAMPLES_NX) $(EXTC_RUN_EXT) $(EXTC_DIAG_EXT),\
		cp $(f) $(B)/fuzz-corpus/fuzz_extc/$(subst /,_,$(f)) &&) true
	printf '#!/bin/sh\ncd %s && exec nice -n 10 tools/fuzz.sh 20 %s %s\n' $(CURDIR) \
		$(abspath $(B)/fuzz-corpus) $(abspath $<) > $@ && chmod +x $@

# XCALL across two extensions, through libnimble (nxrun runs one object).
$(EXTC_T)/xcall/%-trusted.nx: tests/extc/xcall/%.ext $(EXTC)
	@mkdir -p $(@D)
	sed 's/^\(extension [A-Za-z_0-9]*\) untrusted;/\1 trusted;/' $< > $(EXTC_T)/xcall/$*-trusted.ext
	$(EXTC) -o $@ $(EXTC_T)/xcall/$*-trusted.ext
$(EXTC_T)/xcall_test: tests/extc/xcall_test.c $(B)/libnimble.a
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) $(DEPFLAGS) $< $(B)/libnimble.a -o $@
EXTC_XCALL_OBJS := $(B)/tests/extc/xcall/lib.nx $(B)/tests/extc/xcall/user.nx \
                   $(EXTC_T)/xcall/lib-trusted.nx $(EXTC_T)/xcall/user-trusted.nx
$(EXTC_T)/xcall-run: $(EXTC_T)/xcall_test $(EXTC_XCALL_OBJS)
	$(call extc_wrapper,$(EXTC_T)/xcall_test $(EXTC_XCALL_OBJS))

# Differential: 400 random expressions, values computed by the generator.
$(EXTC_T)/exprgen: tests/extc/exprgen.c $(EXTC_NAMES_SRCS)
	@mkdir -p $(@D)
	$(call cc_prog,$(CC) $(TEST_CFLAGS),$^)
$(EXTC_T)/gen/exprs.ext: $(EXTC_T)/exprgen
	@mkdir -p $(@D)
	$< 2026 400 > $@
$(EXTC_T)/run-exprs: tests/extc/run.sh tests/extc/rules.mk $(EXTC_T)/gen/exprs.ext
	$(call extc_wrapper,tests/extc/run.sh $(EXTC) $(B)/nxrun $(EXTC_T)/work-exprs $(EXTC_T)/gen/exprs.ext)

# The optimiser's differential test: 120 random programs at -O0 and -O1.
$(EXTC_T)/proggen: tests/extc/proggen.c
	@mkdir -p $(@D)
	$(call cc_prog,$(CC) $(TEST_CFLAGS),$^)
$(EXTC_T)/optdiff: tests/extc/optdiff.sh tests/extc/rules.mk $(EXTC_T)/proggen
	$(call extc_wrapper,tests/extc/optdiff.sh $(EXTC) $(B)/nxrun $(EXTC_T)/proggen $(EXTC_T)/work-optdiff 1 120)

EXTC_TESTS := $(EXTC_T)/optdiff $(EXTC_T)/fault-line $(EXTC_T)/run-exprs $(EXTC_T)/xcall-run $(EXTC_T)/fuzz-short $(EXTC_T)/run-examples $(EXTC_T)/run-constructs $(EXTC_T)/diagnostics \
              $(EXTC_T)/docs
TESTS     += $(EXTC_TESTS)
TEST_DEPS += $(EXTC_TESTS) $(EXTC) $(B)/nxrun
