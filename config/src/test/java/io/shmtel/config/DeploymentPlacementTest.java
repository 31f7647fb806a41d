package io.shmtel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.shmtel.core.nativeio.SchedCalls;
import io.shmtel.core.nativeio.ThreadCapabilities;
import io.shmtel.core.placement.CpuList;
import io.shmtel.core.placement.PlacementException;
import io.shmtel.core.region.ShmDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A deployment's {@code cpu} and {@code scheduling} applied by a real run: the driver's sampling thread and the
 * subscriber's thread read back from /proc/self/task/TID, and a refusal at start naming the file's key.
 */
class DeploymentPlacementTest {
    private static final Path SCHEMAS = Path.of("../schema/examples");
    /** The kernel's thread name (comm, 15 characters) of a subscriber thread, "shmtel-subscriber-NAME". */
    private static final String SUBSCRIBER_COMM = "shmtel-subscrib";
    /** The nice value's field in /proc/PID/task/TID/stat, counted from the state field after the name. */
    private static final int STAT_NICE_AFTER_NAME = 16;
    private static final int NICE = 5;
    private static final long JOIN_MILLIS = 30_000;

    Path dir;

    @BeforeEach
    void createDir() {
        dir = ShmDirectory.create();
    }

    @AfterEach
    void removeDir() throws IOException {
        ShmDirectory.delete(dir);
    }

    private Path deployment(String nodeKeys, String driverKeys, String subscriberKeys) throws IOException {
        Path file = dir.resolve("placed.json");
        Files.writeString(file, """
                { "deployment": "placed", "directory": ".",
                  "regions": [ { "name": "s", "schema": "%s/status_flag.json" } ],
                  "nodes": [ { "name": "n"%s,
                    "drivers": [ { "type": "sim-status", "region": "s", "rateHz": 50%s } ],
                    "subscribers": [ { "name": "w", "region": "s", "action": { "type": "log", "everyMs": 60000 }%s } ]
                  } ] }
                """.formatted(SCHEMAS.toAbsolutePath().normalize(), nodeKeys, driverKeys, subscriberKeys));
        return file;
    }

    private static Path task(long tid) {
        return Path.of("/proc/self/task/" + tid);
    }

    static String cpusAllowedList(long tid) throws IOException {
        return Files.readAllLines(task(tid).resolve("status")).stream()
                .filter(l -> l.startsWith("Cpus_allowed_list:")).findFirst().orElseThrow()
                .substring("Cpus_allowed_list:".length()).strip();
    }

    private static int nice(long tid) throws IOException {
        String stat = Files.readString(task(tid).resolve("stat"));
        return Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[STAT_NICE_AFTER_NAME]);
    }

    /** The ids of this process's threads whose kernel name is {@code comm}. */
    private static List<Long> threadsNamed(String comm) throws IOException {
        List<Long> ids = new ArrayList<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : tasks.toList()) {
                try {
                    if (Files.readString(t.resolve("comm")).strip().equals(comm)) {
                        ids.add(Long.parseLong(t.getFileName().toString()));
                    }
                } catch (IOException ended) {
                    // a thread that ended while listed
                }
            }
        }
        return ids;
    }

    @Test
    void theDriverTakesTheNodesCpuAndTheSubscriberItsOwnPlacement() throws Exception {
        BitSet mine = SchedCalls.affinity();
        int last = mine.length() - 1;
        int first = mine.nextSetBit(0);
        Path file = deployment(", \"cpu\": [" + last + "]", "", ", \"cpu\": \"" + first + "\", \"scheduling\": {"
                + " \"policy\": \"other\", \"nice\": " + NICE + " }");
        try (Shmtel.Running running = Shmtel.run(file, null)) {
            long driver = running.runner().drivers().get(0).scheduler().nativeThreadId();
            assertThat(cpusAllowedList(driver)).as("the driver's sampling thread").isEqualTo(Integer.toString(last));
            List<Long> subscribers = threadsNamed(SUBSCRIBER_COMM);
            assertThat(subscribers).as("subscriber threads").hasSize(1);
            assertThat(cpusAllowedList(subscribers.get(0))).as("the subscriber's thread")
                    .isEqualTo(Integer.toString(first));
            assertThat(nice(subscribers.get(0))).isEqualTo(NICE);
            assertThat(cpusAllowedList(SchedCalls.gettid())).as("the starting thread, left as it was")
                    .isEqualTo(CpuList.format(mine));
        }
    }

    @Test
    void aCpuThisMachineLacksIsRefusedAtStartNamingTheDriversKey() throws Exception {
        BitSet present = CpuList.parse(Files.readString(Path.of("/sys/devices/system/cpu/present")));
        int missing = present.length();
        assumeTrue(missing < SchedCalls.CPU_SETSIZE, "every CPU number exists");
        Path file = deployment(", \"cpu\": [0]", ", \"cpu\": [" + missing + "]", "");
        assertThatThrownBy(() -> Shmtel.run(file, null)).isInstanceOf(PlacementException.class)
                .hasMessage(file + ": /nodes/0/drivers/0/cpu: driver sim-status of region s: CPU " + missing
                        + " does not exist: this machine has CPUs " + CpuList.format(present)
                        + " (/sys/devices/system/cpu/present; fix: choose CPUs from " + CpuList.format(present) + ")");
        assertThat(threadsNamed(SUBSCRIBER_COMM)).as("no subscriber started").isEmpty();
    }

    /**
     * A real EPERM: the thread that starts the deployment drops CAP_SYS_NICE, which the threads it starts inherit;
     * with RLIMIT_RTPRIO 0 the subscriber's SCHED_FIFO, the node's default, is refused naming the node's key.
     */
    @Test
    void fifoWithoutTheRightIsRefusedAtStartNamingTheNodesKey() throws Exception {
        assumeTrue(SchedCalls.rtprioLimit()[0] == 0, "RLIMIT_RTPRIO is not 0 here");
        Path file = deployment(", \"scheduling\": { \"policy\": \"fifo\", \"priority\": 80 }",
                ", \"scheduling\": { \"policy\": \"other\" }", "");
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread starter = new Thread(() -> {
            assertThat(ThreadCapabilities.dropEffective(ThreadCapabilities.CAP_SYS_NICE)).isZero();
            try (Shmtel.Running running = Shmtel.run(file, null)) {
                thrown.set(new AssertionError("started " + running.deployment().name()));
            } catch (Throwable e) {
                thrown.set(e);
            }
        }, "placement-starter");
        starter.start();
        starter.join(JOIN_MILLIS);
        assertThat(starter.isAlive()).isFalse();
        assertThat(thrown.get()).isInstanceOf(PlacementException.class).hasMessage(file + ": /nodes/0/scheduling:"
                + " subscriber w: SCHED_FIFO priority 80 refused: this process lacks CAP_SYS_NICE and RLIMIT_RTPRIO is"
                + " 0 (fix: ulimit -r 80, or rtprio in /etc/security/limits.conf, or run with CAP_SYS_NICE)");
    }
}
