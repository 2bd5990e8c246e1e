# tests/net: the network part (kernel/drivers, kernel/net, user/allreduce,
# ext-examples/allreduce.ext, tools/cluster.sh).  docs/net.md.
#
#   $(NET_ISO)        a node image booting the PCT, the allreduce app and its
#                     extensions; tools/cluster.sh boots N of them
#   make cluster      boots CLUSTER_NODES (4) nodes of the collectives image
#                     (tests/coll) and prints tools/cluster-report.sh's table
#   test_frame        host TAP test of the frame parser (ASan/UBSan)
#   fuzz_frame        libFuzzer target of the frame parser (make fuzz)
#   cluster_test.sh   the 4-node allreduce as a TAP test in make test
#   inject            puts hostile frames on a cluster's segment (cluster.sh -x)

NET_T   := $(B)/tests/net
NET_APP := $(B)/user/app-allreduce
NET_ISO := $(B)/net/cluster.iso
NET_MODULES := $(PCT) $(NET_APP) $(B)/ext-examples/allreduce.nx $(B)/ext-examples/irq_count.nx \
               $(NET_T)/net_fault.nx $(NET_T)/net_spin.nx $(NET_T)/irq_fault.nx \
               $(NET_T)/irq_empty.nx
NET_EXT := $(sort $(wildcard tests/net/*.ext))
CLUSTER_NODES ?= 4

$(NET_APP): user/allreduce/allreduce.c $(ULIB) $(USER_CRT0)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) $(DEPFLAGS) $(USER_LDFLAGS) -o $@ $(USER_CRT0) $< $(ULIB)

$(NET_ISO): $(KERNEL_ELF) $(NET_MODULES) | deps
	$(call pct_iso,$(B)/net/iso,Nimble LWK node,$(PCT),$(filter-out $(PCT),$(NET_MODULES)))

$(NET_T)/test_frame: tests/net/test_frame.c kernel/net/frame.c
	$(call cc_prog,$(CC) $(TEST_SAN_CFLAGS) -Ikernel/net,$^)

$(NET_T)/inject: tests/net/inject.c kernel/net/frame.c
	$(call cc_prog,$(CC) $(HOST_CFLAGS) -Ikernel/net,$^)

NET_FUZZ_CFLAGS := -std=c11 -O1 -g -Wall -Wextra -Werror -Ikernel/net -fsanitize=fuzzer,address,undefined
$(NET_T)/fuzz_frame: tests/net/fuzz_frame.c kernel/net/frame.c
	$(call cc_prog,clang $(NET_FUZZ_CFLAGS),$^)

# make cluster [CLUSTER_NODES=N]: the collectives (tests/coll's image) on
# N nodes, then the table tools/cluster-report.sh reads from their logs.
.PHONY: cluster
cluster: deps-run $(COLL_ISO)
	tools/cluster.sh -n $(CLUSTER_NODES) -i $(COLL_ISO) -o $(B)/cluster-logs \
		-t $$((60 + 30 * $(CLUSTER_NODES))) > $(B)/cluster-logs.txt; \
	cat $(B)/cluster-logs.txt; tools/cluster-report.sh $(B)/cluster-logs $(CLUSTER_NODES)

$(NET_T)/cluster: tests/net/cluster_test.sh tests/net/rules.mk
	@mkdir -p $(@D)
	printf '#!/bin/sh\nexec tests/net/cluster_test.sh %s %s %s 4\n' $(NET_ISO) $(NET_T)/cluster-logs $(NET_T)/inject > $@
	chmod +x $@

# The test extensions' "//>" run lines, in nxrun (as tests/extc does).
$(NET_T)/run-ext: tests/extc/run.sh tests/net/rules.mk $(NET_EXT)
	$(call extc_wrapper,tests/extc/run.sh $(EXTC) $(B)/nxrun $(NET_T)/work-ext $(NET_EXT))

ALL       += $(NET_APP) $(NET_ISO)
TEST_DEPS += $(NET_T)/run-ext $(NET_T)/test_frame $(NET_T)/cluster $(NET_T)/inject $(NET_ISO)
TESTS     += $(NET_T)/test_frame $(NET_T)/run-ext $(NET_T)/cluster
FUZZERS   += $(NET_T)/fuzz_frame

# make netbench [CLUSTER_NODES=4]: per-hop and interrupt costs in guest
# instructions (bench/net/run.sh; a benchmark, not a test).
.PHONY: netbench
netbench: deps-run $(NET_ISO) $(COLL_ISO)
	bench/net/run.sh $(NET_ISO) $(COLL_ISO) $(CLUSTER_NODES) $(B)/net/bench-logs
