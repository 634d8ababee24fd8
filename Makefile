# hamgr — one GNU make, pkg-config for every library.
# Targets: all check unit core-symbols explore netns test-db demo bench bench-hb bench-ctstall bench-starve-hb bench-deps chaos fuzz install deps clean asan

PREFIX  ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
MANDIR  ?= $(PREFIX)/share/man
LIBDIR  ?= $(PREFIX)/lib
DOCDIR  ?= $(PREFIX)/share/doc/hamgr
SYSCONFDIR ?= /etc
SYSTEMDUNITDIR ?= /lib/systemd/system
DESTDIR ?=

CC      ?= cc
B       ?= build
PKGS    := libsystemd libnl-3.0 libnl-route-3.0 libmnl libconfuse libsodium json-c \
	libvotequorum libcmap libcorosync_common
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
CFLAGS  ?= -O2 -g
CFLAGS  += -std=c11 -D_GNU_SOURCE $(WARN) -Ihamgr -MMD -MP
SANITIZE ?=
ifneq ($(SANITIZE),)
CFLAGS  += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer
LDFLAGS += -fsanitize=$(SANITIZE)
endif
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CUNIT_LIBS = $(shell pkg-config --libs cunit 2>/dev/null)

# The pure core links nothing but libc.
CORE_SRC   := $(sort $(wildcard hamgr/core/*.c))
CORE_OBJ   := $(CORE_SRC:%.c=$(B)/obj/%.o)
# Daemon modules shared by hamgr and the unit tests that need them (conf).
DAEMON_SRC := $(filter-out hamgr/main.c,$(sort $(wildcard hamgr/*.c)))
DAEMON_OBJ := $(DAEMON_SRC:%.c=$(B)/obj/%.o)
# hactl: one file per subcommand under hamgr/hactl/, out of DAEMON_SRC's
# reach; it shares the protocol codec and the command table with hamgr.
HACTL_SRC  := $(sort $(wildcard hamgr/hactl/*.c))
HACTL_OBJ  := $(HACTL_SRC:%.c=$(B)/obj/%.o)
HACTL_SHARED := $(B)/obj/hamgr/ctlmsg.o $(B)/obj/hamgr/ctlcmd.o
UNIT_SRC   := $(sort $(wildcard test/unit/test_*.c))
UNIT_BIN   := $(UNIT_SRC:test/unit/%.c=$(B)/test/%)
TOOL_SRC   := $(sort $(wildcard test/tools/*.c))
TOOL_BIN   := $(TOOL_SRC:test/tools/%.c=$(B)/tools/%)

# The election checker (test/explore): the real core, and two copies whose
# fsm is broken on purpose (no tie-break; Master_Down_Interval without the
# witness's or quorum's wait), which the checker must catch.
EXPLORE_SRC := $(sort $(wildcard test/explore/*.c))
EXPLORE_OBJ := $(EXPLORE_SRC:%.c=$(B)/obj/%.o)
EXPLORE_BIN := $(B)/explore/explore $(B)/explore/explore_mutant $(B)/explore/explore_mutant_wait

PROGS := $(B)/hamgr $(if $(HACTL_SRC),$(B)/hactl)

.PHONY: all check unit core-symbols explore netns test-db demo bench bench-hb bench-ctstall bench-starve-hb bench-deps chaos fuzz install deps clean asan
all: $(PROGS) $(TOOL_BIN) $(UNIT_BIN) $(EXPLORE_BIN)

$(B)/obj/hamgr/core/%.o: hamgr/core/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(B)/obj/hamgr/%.o: hamgr/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -c -o $@ $<

$(B)/hamgr: $(B)/obj/hamgr/main.o $(DAEMON_OBJ) $(CORE_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) -lm

$(B)/hactl: $(HACTL_OBJ) $(HACTL_SHARED) $(CORE_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) -lm

# The daemon modules and the core as one archive, so a unit test pulls in
# only the modules it references.
$(B)/libhamgr.a: $(DAEMON_OBJ) $(CORE_OBJ)
	rm -f $@
	ar rcs $@ $^

# hactl's files but main.c, for the unit test of its subcommand table.
$(B)/libhactl.a: $(filter-out %/main.o,$(HACTL_OBJ))
	rm -f $@
	ar rcs $@ $^

# Each unit test file is one CUnit program; UNIT_LIBS adds archives.
$(B)/test/%: test/unit/%.c test/unit/cu_main.h $(B)/libhamgr.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -Itest/unit -o $@ $< $(UNIT_LIBS) $(B)/libhamgr.a $(PKG_LIBS) $(CUNIT_LIBS) -lm $(LDFLAGS)

# The fsm timeline simulator (test/unit/sim.c), shared by the suites.
$(B)/obj/test/unit/sim.o: test/unit/sim.c test/unit/sim.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itest/unit -c -o $@ $<
$(B)/test/test_fsm: $(B)/obj/test/unit/sim.o
$(B)/test/test_fsm: UNIT_LIBS := $(B)/obj/test/unit/sim.o

# test_ctlcmd checks that hactl has a subcommand for every command;
# test_hactl_* test hactl's status lines, command lines and check.
HACTL_TESTS := $(B)/test/test_ctlcmd $(filter $(B)/test/test_hactl_%,$(UNIT_BIN))
$(HACTL_TESTS): $(B)/libhactl.a
$(HACTL_TESTS): UNIT_LIBS := $(B)/libhactl.a

$(B)/obj/test/explore/%.o: test/explore/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itest/explore -c -o $@ $<
$(B)/explore/explore: $(EXPLORE_OBJ) $(CORE_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^
$(B)/explore/fsm_mutant.o: hamgr/core/fsm.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -DFSM_MUTANT_NO_TIEBREAK -c -o $@ $<
$(B)/explore/explore_mutant: $(EXPLORE_OBJ) $(B)/explore/fsm_mutant.o $(filter-out %/fsm.o,$(CORE_OBJ))
	$(CC) $(LDFLAGS) -o $@ $^
$(B)/explore/fsm_mutant_wait.o: hamgr/core/fsm.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -DFSM_MUTANT_NO_DOWN_WAIT -c -o $@ $<
$(B)/explore/explore_mutant_wait: $(EXPLORE_OBJ) $(B)/explore/fsm_mutant_wait.o $(filter-out %/fsm.o,$(CORE_OBJ))
	$(CC) $(LDFLAGS) -o $@ $^

$(B)/tools/%: test/tools/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(LDFLAGS) -lm

# hbrogue speaks protocol "hamgr": the real codec and the key adapter.
HBROGUE_OBJ := $(B)/obj/hamgr/core/heartbeat.o $(B)/obj/hamgr/core/hello.o $(B)/obj/hamgr/authkey.o
$(B)/tools/hbrogue: test/tools/hbrogue.c $(HBROGUE_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -o $@ $< $(HBROGUE_OBJ) $(LDFLAGS) $(shell pkg-config --libs libsodium) -lm

unit: $(UNIT_BIN)
	@HM_BUILD=$(abspath $(B)) test/unit/run.sh $(UNIT_BIN)

# The core's objects call nothing outside test/core_symbols.allow (also
# part of check).
core-symbols: $(CORE_OBJ)
	@test/core_symbols.sh $(CORE_OBJ)

# The election checker at its deep bound (a small one is part of check):
# every interleaving of timers, adverts (delay, loss, reordering), step
# answers, crashes, partitions and switchovers on 2 and 3 nodes.
explore: $(EXPLORE_BIN)
	@$(B)/explore/explore --deep --verbose

netns: all
	@HM_BUILD=$(abspath $(B)) test/netns/run.sh

# Unit suites, the core's symbols, the election checker's small bound, the
# netns suite, the man pages; ends
# with one "N passed, N failed" line.
check: all
	@HM_BUILD=$(abspath $(B)) test/check.sh $(UNIT_BIN)

# The MariaDB scenarios (test/netns/t_mysql_*, also part of netns and
# check) with their longer variants: 5 semi-sync failovers, 20 races.
MYSQL_TESTS := $(sort $(wildcard test/netns/t_mysql_*.sh))
test-db: all
	@HM_BUILD=$(abspath $(B)) MY_RUNS=5 MY_REPS=20 HM_TIMEOUT=400 test/netns/run.sh $(MYSQL_TESTS)

demo: all
	@HM_BUILD=$(abspath $(B)) test/netns/demo.sh

# Every benchmark (bench/README.md; about 45 min with the defaults), then
# docs/BENCHMARKS.md with its charts (gnuplot: make bench-deps).
bench: all
	@HM_BUILD=$(abspath $(B)) bench/failover.sh
	@HM_BUILD=$(abspath $(B)) bench/switchover.sh
	@HM_BUILD=$(abspath $(B)) bench/scale.sh
	@HM_BUILD=$(abspath $(B)) bench/report.sh

# Protocol "hamgr" (issue 12): node death and handover at 1ms..100ms next
# to keepalived and VRRPv3 at 10ms (bench/README.md; about 12 min).
bench-hb: all
	@HM_BUILD=$(abspath $(B)) bench/failover_hb.sh

# Protocol "hamgr" under CPU starvation (issue 12): hamgr-hb at 1ms and
# 10ms without and with realtime-priority, keepalived and VRRPv3 at 10ms,
# 2 x nproc busy loops (bench/README.md; about 37 min with the defaults).
bench-starve-hb: all
	@HM_BUILD=$(abspath $(B)) bench/starvation_hb.sh

# Conntrack sync (issue 8): the stall of a TCP stream through a firewall
# pair when the master fails, hamgr at 50 and 100 ms next to keepalived +
# conntrackd (bench/README.md; about 6 min, root, keepalived, conntrackd).
bench-ctstall: all
	@HM_BUILD=$(abspath $(B)) bench/ctstall.sh

# A randomized fault schedule on a 3-node cluster for CHAOS_SECONDS (default
# 120), reproducible by SEED; not part of check (test/chaos/README.md):
#   make chaos SEED=42 CHAOS_SECONDS=600 [CHAOS_POLICY=quorum|none]
chaos: all
	@HM_BUILD=$(abspath $(B)) timeout -k 30 $$(($${CHAOS_SECONDS:-120} + 600)) test/chaos/chaos.sh

# libFuzzer targets for every decoder and the config parser (clang).
FUZZ_SRC := $(sort $(wildcard test/fuzz/fuzz_*.c))
FUZZ_BIN := $(FUZZ_SRC:test/fuzz/%.c=$(B)/fuzz/%)
FUZZ_CFLAGS := -std=c11 -D_GNU_SOURCE -g -O1 -Ihamgr -fsanitize=fuzzer,address,undefined
# api.c and daemon.c need the running daemon (main.c); no decoder lives there.
FUZZ_LINK := $(CORE_SRC) $(filter-out hamgr/api.c hamgr/daemon.c,$(DAEMON_SRC))
$(B)/fuzz/%: test/fuzz/%.c $(FUZZ_LINK)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) $(PKG_CFLAGS) -o $@ $< $(FUZZ_LINK) $(PKG_LIBS) -lm
fuzz: $(FUZZ_BIN)
	@test/fuzz/run.sh $(FUZZ_BIN)

asan:
	$(MAKE) B=build/asan SANITIZE=address,undefined check

# Besides the programs, man pages, config example and unit: the
# health-check agents (hamgr-scripts(7)) with the library they source,
# every script in resource-scripts/ with the files of resource-scripts/lib/
# that the mysql script sources (mode 644, not scripts themselves), and the
# example configs of etc/examples/ under $(DOCDIR)/examples.
install: $(PROGS)
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man7 $(DESTDIR)$(MANDIR)/man8
	install -m 755 $(PROGS) $(DESTDIR)$(SBINDIR)/
	for m in man/*.[578]; do [ -e "$$m" ] || continue; s=$${m##*.}; install -m 644 $$m $(DESTDIR)$(MANDIR)/man$$s/; done
	install -d $(DESTDIR)$(SYSCONFDIR)/hamgr
	install -m 644 etc/hamgr.conf.example $(DESTDIR)$(SYSCONFDIR)/hamgr/hamgr.conf.example
	install -d $(DESTDIR)$(SYSTEMDUNITDIR)
	sed -e 's|/usr/sbin/|$(SBINDIR)/|g' -e 's|/etc/hamgr/|$(SYSCONFDIR)/hamgr/|g' \
	    etc/systemd/hamgr.service >$(DESTDIR)$(SYSTEMDUNITDIR)/hamgr.service
	chmod 644 $(DESTDIR)$(SYSTEMDUNITDIR)/hamgr.service
	install -d $(DESTDIR)$(LIBDIR)/hamgr/agents
	install -m 755 agents/check-* $(DESTDIR)$(LIBDIR)/hamgr/agents/
	install -m 644 agents/agent-lib.sh $(DESTDIR)$(LIBDIR)/hamgr/agents/
	if [ -d resource-scripts ]; then install -d $(DESTDIR)$(LIBDIR)/hamgr/resource-scripts/lib && \
	  install -m 755 $(filter-out resource-scripts/lib,$(wildcard resource-scripts/*)) \
	    $(DESTDIR)$(LIBDIR)/hamgr/resource-scripts/ && \
	  install -m 644 resource-scripts/lib/* $(DESTDIR)$(LIBDIR)/hamgr/resource-scripts/lib/; fi
	if [ -d etc/examples ]; then install -d $(DESTDIR)$(DOCDIR)/examples && \
	  install -m 644 etc/examples/* $(DESTDIR)$(DOCDIR)/examples/; fi

# Debian packages a fresh bookworm machine lacks (run as root).
DEB_BUILD := build-essential pkg-config clang libclang-rt-14-dev libsystemd-dev libnl-3-dev \
	libnl-route-3-dev libmnl-dev libconfuse-dev libsodium-dev libjson-c-dev libcunit1-dev \
	libvotequorum-dev libcmap-dev libcorosync-common-dev
DEB_TEST  := iproute2 nftables keepalived mandoc procps psmisc tcpdump systemd util-linux jq \
	resource-agents curl iputils-ping python3 apache2 haproxy socat mariadb-server \
	mariadb-client conntrack corosync systemd-container
deps:
	@missing=""; for p in $(DEB_BUILD) $(DEB_TEST); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "installing:$$missing"; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
	else echo "all Debian packages present"; fi

# What make bench needs besides DEB_TEST: gnuplot draws the charts.
DEB_BENCH := gnuplot-nox
bench-deps:
	@missing=""; for p in $(DEB_BENCH); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "installing:$$missing"; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
	else echo "all bench packages present"; fi

clean:
	rm -rf build

-include $(shell find $(B) -name '*.d' 2>/dev/null)
