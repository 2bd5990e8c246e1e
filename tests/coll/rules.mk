# tests/coll: the collectives (user/coll, ext-examples/coll_*.ext) on a
# cluster of any size 1..16.  docs/net.md.
#
#   $(COLL_ISO)       a node image booting the PCT, app-coll and the three
#                     collective extensions; tools/cluster.sh boots N of them
#   make coll-cluster boots COLL_NODES (default 3) nodes and reports
#   cluster3, cluster8  tests/coll/coll_test.sh on 3 and 8 nodes (make test)
#   cluster5-lossy    5 nodes, 10% of arriving frames dropped at random (make test)
#
# COLL_LOOP: iterations of the overlap phase's compute loop.

COLL_T   := $(B)/tests/coll
COLL_APP := $(B)/user/app-coll
COLL_ISO := $(B)/coll/cluster.iso
COLL_EXT := $(B)/ext-examples/coll_barrier.nx $(B)/ext-examples/coll_bcast.nx \
            $(B)/ext-examples/coll_allreduce.nx
COLL_MODULES := $(PCT) $(COLL_APP) $(COLL_EXT)
COLL_NODES ?= 3
COLL_LOOP  ?= 20000000

$(COLL_APP): user/coll/coll.c $(ULIB) $(USER_CRT0) tests/coll/rules.mk
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) $(DEPFLAGS) -DCOLL_LOOP=$(COLL_LOOP)ull $(USER_LDFLAGS) -o $@ $(USER_CRT0) $< $(ULIB)

$(COLL_ISO): $(KERNEL_ELF) $(COLL_MODULES) | deps
	$(call pct_iso,$(B)/coll/iso,Nimble LWK node,$(PCT),$(filter-out $(PCT),$(COLL_MODULES)))

.PHONY: coll-cluster
coll-cluster: deps-run $(COLL_ISO)
	tests/coll/coll_test.sh $(COLL_ISO) $(B)/coll/logs $(COLL_NODES)

# make test: 3 nodes (not a power of two: the fold-in) and 8.
$(COLL_T)/cluster%: tests/coll/coll_test.sh tests/coll/rules.mk
	@mkdir -p $(@D)
	printf '#!/bin/sh\nexec tests/coll/coll_test.sh %s %s %s\n' $(COLL_ISO) $(COLL_T)/logs-$* $* > $@
	chmod +x $@

# Lossy: each arriving frame dropped with probability 10% (seeded, a
# different sequence on each node): retransmissions reorder rounds and
# instances (p = 4, one extra).
$(COLL_T)/cluster5-lossy: tests/coll/coll_test.sh tests/coll/rules.mk
	@mkdir -p $(@D)
	printf '#!/bin/sh\nexec tests/coll/coll_test.sh %s %s 5 240 "net_loss=10 net_seed=7"\n' $(COLL_ISO) $(COLL_T)/logs-5-lossy > $@
	chmod +x $@

COLL_TESTS := $(COLL_T)/cluster3 $(COLL_T)/cluster8 $(COLL_T)/cluster5-lossy
ALL       += $(COLL_APP) $(COLL_ISO)
TEST_DEPS += $(COLL_TESTS) $(COLL_ISO)
TESTS     += $(COLL_TESTS)
