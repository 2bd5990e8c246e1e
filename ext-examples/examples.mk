# ext-examples: extensions users can read and insert, compiled by extc
# (pattern rule $(B)/%.nx: %.ext in extc/extc.mk) to $(B)/ext-examples/NAME.nx.
# Each carries "//>" run lines that tests/extc/run.sh checks in nxrun.
EXAMPLES_EXT := $(sort $(wildcard ext-examples/*.ext))
EXAMPLES_NX  := $(patsubst %.ext,$(B)/%.nx,$(EXAMPLES_EXT))

ALL += $(EXAMPLES_NX)
