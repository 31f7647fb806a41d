package io.shmtel.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

/**
 * How the namespace test decides to run, skip or fail, with its inputs given (root, a PATH of stand-in
 * commands, a netem probe), so the skip path is proved on every machine, not only on one without
 * netem or nftables.
 */
class BridgeHostsTest {
    private static final String NO_NETEM = "Error: Specified qdisc kind is unknown.";

    private static Path commands(Path dir, String... names) throws IOException {
        for (String name : names) {
            Path f = dir.resolve(name);
            Files.writeString(f, "#!/bin/sh\nexit 0\n");
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return dir;
    }

    @Test
    void withoutNetemOrNftTheTestIsUnavailableNamingNftables(@TempDir Path dir) throws IOException {
        String path = commands(dir, "ip", "tc") + ":/nonexistent";
        String why = BridgeHosts.namespacesUnavailable(true, path, () -> NO_NETEM);
        assertThat(why).isEqualTo("cannot put loss on the link: the kernel has no netem (" + NO_NETEM
                + ") and there is no `nft` command on the PATH; install the Debian package nftables");
    }

    @Test
    void netemOrNftEachSuffice(@TempDir Path dir) throws IOException {
        Path tools = commands(dir, "ip", "tc");
        assertThat(BridgeHosts.namespacesUnavailable(true, tools.toString(), () -> null)).as("netem").isNull();
        commands(dir, "nft");
        assertThat(BridgeHosts.namespacesUnavailable(true, tools.toString(), () -> NO_NETEM)).as("nft").isNull();
    }

    @Test
    void withoutTcTheKernelIsNotProbedAndNftablesIsStillNamed(@TempDir Path dir) throws IOException {
        AtomicInteger probes = new AtomicInteger();
        Supplier<String> probe = () -> {
            probes.incrementAndGet();
            return null;
        };
        String why = BridgeHosts.namespacesUnavailable(true, commands(dir, "ip").toString(), probe);
        assertThat(why).contains("no `tc` command on the PATH (Debian package iproute2)",
                "install the Debian package nftables");
        assertThat(probes).hasValue(0);
    }

    @Test
    void notRootOrNoIpAreReasonsToo(@TempDir Path dir) throws IOException {
        assertThat(BridgeHosts.namespacesUnavailable(false, commands(dir, "ip", "tc", "nft").toString(), () -> null))
                .isEqualTo("not root (network namespaces need CAP_SYS_ADMIN)");
        assertThat(BridgeHosts.namespacesUnavailable(true, "/nonexistent", () -> null))
                .isEqualTo("no `ip` command on the PATH (Debian package iproute2)");
    }

    @Test
    void theRequireVariableTurnsTheSkipIntoAFailure(@TempDir Path dir) throws IOException {
        String why = BridgeHosts.namespacesUnavailable(true, commands(dir, "ip", "tc").toString(), () -> NO_NETEM);
        assertThatThrownBy(() -> BridgeHosts.assumeNamespaces(why, false)).isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("install the Debian package nftables");
        assertThatThrownBy(() -> BridgeHosts.assumeNamespaces(why, true)).isInstanceOf(AssertionError.class)
                .isNotInstanceOf(TestAbortedException.class)
                .hasMessage("SHMTEL_REQUIRE_NETNS_TESTS=1 but the namespace test cannot run: " + why);
        assertThatCode(() -> BridgeHosts.assumeNamespaces(null, true)).doesNotThrowAnyException();
    }
}
