package io.shmtel.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.shmtel.core.Publisher;
import io.shmtel.core.region.RegionNotFoundException;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.region.ShmDirectory;
import io.shmtel.schema.SchemaParser;
import io.shmtel.schema.layout.LayoutCompiler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Values the CLI refuses: exit 2, one line naming the option (or field), the value and what is allowed. */
class OptionValuesTest {
    static final String ARM = "../schema/examples/arm.json";
    static final String ALL_TYPES = "../schema/examples/all_types.json";
    Path dir;

    @BeforeEach
    void createDir() {
        dir = ShmDirectory.create();
    }

    @AfterEach
    void removeDir() throws IOException {
        ShmDirectory.delete(dir);
    }

    /** Runs {@code command --dir=<private dir> args...}; the command path is the words before the first option. */
    CliTest.Result shmtel(String... args) {
        return CliTest.run(withDir(args));
    }

    String[] withDir(String... args) {
        int at = args[0].equals("bridge") ? 2 : 1;
        String[] all = new String[args.length + 1];
        System.arraycopy(args, 0, all, 0, at);
        all[at] = "--dir=" + dir;
        System.arraycopy(args, at, all, at + 1, args.length - at);
        return all;
    }

    static void assertRefused(CliTest.Result r, String command, String line) {
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().lines().toList()).as(r.err())
                .containsExactly(line, "Try 'shmtel help " + command + "' for its usage.");
    }

    @Test
    void aNegativeCountIsRefusedAndPublishesNothing() throws IOException {
        CliTest.Result r = shmtel("pub", "arm", "--schema", ARM, "--count", "-1");
        assertRefused(r, "pub", "shmtel pub: invalid value for option '--count': -1: expected a whole number >= 0");
        try (var files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
        CliTest.Result none = shmtel("pub", "arm", "--schema", ARM, "--count", "0");
        assertThat(none.code()).as(none.err()).isZero();
        assertThat(none.err()).contains("published 0 samples of arm/joint_state");
    }

    @Test
    void durationsTimeoutsIntervalsRatesAndPortsRefuseWhatTheyCannotMean() {
        record Case(String value, String expected, String... args) {}
        String seconds = "a finite number of seconds >= 0";
        String interval = "a finite number of seconds > 0";
        String hz = "a finite rate in Hz >= 0 (0: no limit)";
        List<Case> cases = List.of(
                new Case("NaN", seconds, "echo", "arm", "--timeout"),
                new Case("Infinity", seconds, "echo", "arm", "--timeout"),
                new Case("-1", seconds, "echo", "arm", "--timeout"),
                new Case("1e400", seconds, "echo", "arm", "--timeout"),
                new Case("-1", seconds, "record", "arm", "-o", "x.mcap", "--duration"),
                new Case("NaN", seconds, "serve", "--duration"),
                new Case("-1", seconds, "serve", "--duration"),
                new Case("-0.5", seconds, "bridge", "receive", "--duration"),
                new Case("NaN", seconds, "bridge", "send", "--to", "127.0.0.1:1", "arm", "--duration"),
                new Case("0", interval, "stat", "--interval"),
                new Case("NaN", interval, "stat", "--interval"),
                new Case("-2", interval, "top", "--interval"),
                new Case("-1", "a whole number >= 0", "echo", "arm", "--count"),
                new Case("-3", "a whole number >= 0", "stat", "--count"),
                new Case("1.5", "a whole number >= 0", "top", "--count"),
                new Case("Infinity", hz, "pub", "arm", "--schema", ARM, "--rate"),
                new Case("-5", hz, "serve", "--max-rate"),
                new Case("NaN", hz, "serve", "--max-rate"),
                new Case("0", "a finite factor > 0 (1: the original timing)", "replay", "x.mcap", "--rate"),
                new Case("NaN", "a finite factor > 0 (1: the original timing)", "replay", "x.mcap", "--rate"),
                new Case("70000", "a port from 0 to 65535 (0: any free port)", "serve", "--port"),
                new Case("0", "a whole number of milliseconds >= 1", "pub", "arm", "--schema", ARM,
                        "--flush-period-ms"),
                new Case("0", "a whole number of microseconds from 1 to 1000000", "bridge", "receive",
                        "--max-park-us"));
        for (Case c : cases) {
            String[] args = Arrays.copyOf(c.args(), c.args().length + 1);
            args[args.length - 1] = c.value();
            String option = c.args()[c.args().length - 1];
            String command = c.args()[0].equals("bridge") ? "bridge " + c.args()[1] : c.args()[0];
            assertRefused(shmtel(args), command, "shmtel " + command + ": invalid value for option '" + option + "': "
                    + c.value() + ": expected " + c.expected());
        }
    }

    @Test
    void namesAndModesAreCheckedBeforeTheCommandWaitsOrCreatesAnything() throws IOException {
        // echo waits for a missing region: a bad --idle must be refused at once, not after the wait
        assertRefused(shmtel("echo", "missing", "--count", "1", "--idle", "sleepy"), "echo",
                "shmtel echo: invalid value"
                + " for option '--idle': unknown idle strategy \"sleepy\": use busy-spin, yield, backoff or blocking");
        assertRefused(shmtel("pub", "m", "--schema", ARM, "--count", "1", "--mode", "0999"), "pub",
                "shmtel pub: invalid value for option '--mode': 0999: expected permission bits in octal, e.g. 0600 or "
                        + "0640");
        try (var files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void fieldValuesMustFitTheFieldAndEnumsTakeTheirValues() {
        assertRefused(shmtel("pub", "a", "--schema", ARM, "--count", "1", "--set", "status=99"), "pub",
                "shmtel pub: --set status=99: field status is an enum: 99 is not one of its values OK=0, FAULT=1, "
                        + "ESTOP=2");
        assertRefused(shmtel("pub", "b", "--schema", ARM, "--count", "1", "--set", "position=1e400"), "pub",
                "shmtel pub: --set position=1e400: field position is f64: 1e400 does not fit (the largest magnitude is"
                        + " 1.7976931348623157E308)");
        assertRefused(shmtel("pub", "c", "--schema", ALL_TYPES, "--record", "every_type", "--count", "1", "--set",
                "gain=1e39"), "pub", "shmtel pub: --set gain=1e39: field gain is f32: 1e39 does not fit (the largest"
                        + " magnitude is 3.4028234663852886E38)");
        assertRefused(shmtel("pub", "d", "--schema", ALL_TYPES, "--record", "every_type", "--count", "1", "--set",
                "small=300"), "pub", "shmtel pub: --set small=300: field small is i8: 300 is out of range [-128, 127]");
        assertRefused(shmtel("pub", "e", "--schema", ALL_TYPES, "--record", "every_type", "--count", "1", "--set",
                "ticks=99999999999999999999"), "pub",
                        "shmtel pub: --set ticks=99999999999999999999: field ticks is i64:"
                        + " 99999999999999999999 is out of range [-9223372036854775808, 9223372036854775807]");
        // what a field can hold is still taken: an enum by value, NaN and infinity by name
        CliTest.Result ok = shmtel("pub", "f", "--schema", ALL_TYPES, "--record", "every_type", "--count", "1", "--set",
                "mode=-5", "--set", "value=NaN", "--set", "gain=-Infinity", "--set", "small=-128");
        assertThat(ok.code()).as(ok.err()).isZero();
        CliTest.Result echo = shmtel("echo", "f/every_type", "--count", "1", "--json");
        assertThat(echo.out()).contains("\"mode\":\"NEGATIVE\"", "\"small\":-128");
    }

    @Test
    void genRefusesTheJdksPackagesAndNamesThatAreNotPackages(@TempDir Path out) {
        String arm = CliTest.EXAMPLES.resolve("arm.json").toString();
        for (String pkg : List.of("java.lang", "javax.telemetry", "java")) {
            CliTest.Result r = CliTest.run("gen", "--lang", "java", "--package", pkg, "-o", out.toString(), arm);
            assertThat(r.code()).as(pkg).isEqualTo(ExitCodes.INVALID_INPUT);
            assertThat(r.err()).as(pkg).startsWith("shmtel gen: not a package for generated code: \"" + pkg + "\" ("
                    + pkg.split("\\.")[0] + ".* belongs to the JDK");
        }
        CliTest.Result digit = CliTest.run("gen", "--lang", "java", "--package", "com.1example", "-o", out.toString(),
                arm);
        assertThat(digit.code()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(digit.err()).contains("not a Java package name: \"com.1example\" (expected dot-separated "
                + "identifiers");
        assertThat(out).isEmptyDirectory();
    }

    @Test
    void aDirectoryThatCannotHoldRegionsIsNamedForWhatItIs(@TempDir Path tmp) throws IOException {
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        for (String command : List.of("pub", "ls", "echo")) {
            String[] args = command.equals("pub") ? new String[] {"pub", "x", "--schema", ARM, "--count", "1"}
                    : command.equals("echo") ? new String[] {"echo", "x", "--count", "1"} : new String[] {"ls"};
            String[] notDir = Arrays.copyOf(args, args.length + 1);
            notDir[args.length] = "--dir=" + file;
            assertRefused(CliTest.run(notDir), command, "shmtel " + command + ": --dir " + file + ": " + file
                    + " is not a directory");
        }
        if (Files.isDirectory(Path.of("/proc/self"))) {
            assertRefused(CliTest.run("pub", "x", "--schema", ARM, "--count", "1", "--dir", "/proc"), "pub",
                    "shmtel pub: --dir /proc: /proc is a directory of the kernel's proc file system, which holds no"
                            + " regions: use a tmpfs such as /dev/shm (or a real file system for durable regions)");
        }
        // the library says the same when it is not the CLI that chose the directory
        var layout = LayoutCompiler.compile(SchemaParser.parse(Path.of(ARM)));
        for (Path where : List.of(file, Path.of("/proc"))) {
            if (!Files.exists(where)) {
                continue;
            }
            var options = RegionOptions.defaults().withDirectory(where);
            Assertions.assertThatThrownBy(() -> Publisher.create("x", layout, options))
                    .isInstanceOf(RegionNotFoundException.class)
                    .hasMessageStartingWith("cannot create region \"x\": " + where + (where.equals(file)
                            ? " is not a directory" : " is a directory of the kernel's proc file system"));
        }
        CliTest.Result missing = CliTest.run("pub", "x", "--schema", ARM, "--count", "1", "--dir",
                tmp.resolve("nope").toString());
        assertThat(missing.code()).isEqualTo(ExitCodes.REGION_NOT_FOUND);
        assertThat(missing.err()).contains("directory " + tmp.resolve("nope") + " does not exist");
        // ls of a directory that is not there says so (a mistyped --dir or SHMTEL_DIR is not "no regions")
        CliTest.Result ls = CliTest.run("ls", "--dir", tmp.resolve("nope").toString());
        assertThat(ls.code()).isZero();
        assertThat(ls.out()).endsWith("(no regions: " + tmp.resolve("nope") + " does not exist; create it, or set "
                + "SHMTEL_DIR / --dir)\n");
        assertThat(CliTest.run("ls", "--dir", tmp.toString()).out()).endsWith("(no regions in " + tmp + ")\n");
    }
}
