package io.shmtel.tools;

import io.shmtel.config.Deployment;
import io.shmtel.config.Shmtel;
import io.shmtel.core.nativeio.MemoryCalls;
import io.shmtel.core.region.ProcessInfo;
import io.shmtel.core.region.Region;
import io.shmtel.core.region.RegionDirectory;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.region.WriterState;
import io.shmtel.error.ShmtelException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

@Command(name = "doctor", description = {"Checks the environment regions need and prints each problem with its fix.",
        "It checks the region directory (tmpfs, size, free space; Docker's 64 MiB default), the memlock limit,"
                + " systemd-logind's RemoveIPC, and every region's file type, owner, mode and writer.",
        "For real-time placement it reports isolated and nohz_full CPUs, RLIMIT_RTPRIO, the CPU frequency"
                + " governors and real-time throttling; its warn lines there are advice and leave the exit status.",
        "Exit " + ExitCodes.OK + " when all is well, " + ExitCodes.DOCTOR_PROBLEMS + " when something needs attention.",
        "Example: shmtel doctor"})
final class DoctorCommand implements Callable<Integer> {
    static final long SMALL_DIRECTORY_BYTES = 128L << 20;
    static final long LOW_FREE_BYTES = 16L << 20;

    @Spec
    CommandSpec spec;

    @Mixin
    RegionOptionsMixin region;

    @Option(names = "--json", description = "One JSON object per finding per line.")
    boolean json;

    @CommandLine.Parameters(arity = "0..1", paramLabel = "DEPLOYMENT", description = "A deployment file: check"
            + " the memlock limit against its regions with \"memory\": {\"lock\": true} (default: every region here).")
    Path deployment;

    @Mixin
    ClasspathOptionMixin classpath;

    /**
     * One finding: level ok, warn or FAIL; what; the fix (empty for ok). An advice finding (a real-time one a
     * default machine has) is printed as it is but not counted as a problem: it leaves the exit status.
     */
    record Finding(String level, String subject, String message, String fix, boolean advice) {
        Finding(String level, String subject, String message, String fix) {
            this(level, subject, message, fix, false);
        }
    }

    /** Where systemd-logind's configuration lives (a field so tests can point elsewhere). */
    Path etc = Path.of("/etc");
    Path runSystemd = Path.of("/run/systemd/system");
    Path procLimits = Path.of("/proc/self/limits");
    /** What the real-time checks read (fields so tests can point them at planted files). */
    Path sysCpu = Path.of("/sys/devices/system/cpu");
    Path procCmdline = Path.of("/proc/cmdline");
    Path procStatus = Path.of("/proc/self/status");
    Path procSysKernel = Path.of("/proc/sys/kernel");

    @Override
    public Integer call() {
        RegionOptions options = region.uncheckedOptions().withAnyOwner(true).withInitTimeout(Duration.ZERO);
        List<Finding> findings = new ArrayList<>();
        directory(options.regionDirectory(), findings);
        memlock(findings);
        lockNeeds(options, findings);
        removeIpc(findings);
        regions(options, findings);
        new RealtimeChecks(sysCpu, procCmdline, procLimits, procStatus, procSysKernel).addTo(findings);
        PrintWriter out = spec.commandLine().getOut();
        for (Finding f : findings) {
            if (json) {
                out.println(Json.object(g -> {
                    g.writeStringField("level", f.level());
                    g.writeStringField("subject", f.subject());
                    g.writeStringField("message", f.message());
                    if (!f.fix().isEmpty()) {
                        g.writeStringField("fix", f.fix());
                    }
                    if (f.advice()) {
                        g.writeBooleanField("advice", true);
                    }
                }));
            } else {
                out.printf("%-5s %s: %s%s%n", f.level(), f.subject(), f.message(),
                        f.fix().isEmpty() ? "" : "\n      fix" + (f.advice() ? " (advice)" : "") + ": " + f.fix());
            }
        }
        long problems = findings.stream().filter(f -> !f.level().equals("ok") && !f.advice()).count();
        long advice = findings.stream().filter(Finding::advice).count();
        if (!json) {
            out.println((problems == 0 ? "no problems found" : problems + " problem" + (problems == 1 ? "" : "s")
                    + " found") + (advice == 0 ? "" : "; " + advice + " warn line" + (advice == 1 ? " is" : "s are")
                    + " advice for real-time use only"));
        }
        return problems == 0 ? ExitCodes.OK : ExitCodes.DOCTOR_PROBLEMS;
    }

    private static void directory(RegionDirectory dir, List<Finding> findings) {
        String subject = "region directory " + dir;
        Path path = dir.path();
        if (!Files.isDirectory(path)) {
            findings.add(new Finding("FAIL", subject, "does not exist", "create it, or point SHMTEL_DIR / --dir at the"
                    + " directory the writers use"));
            return;
        }
        if (!Files.isWritable(path)) {
            findings.add(new Finding("warn", subject, "not writable by this user: writers cannot create regions here",
                    "run writers as a user who may write " + path + ", or choose another directory"));
        }
        try {
            FileStore store = Files.getFileStore(path);
            long total = store.getTotalSpace();
            long free = store.getUsableSpace();
            String sizes = RegionSummary.formatBytes(total) + ", " + RegionSummary.formatBytes(free) + " free";
            if (!store.type().equals("tmpfs")) {
                findings.add(new Finding("warn", subject, store.type() + ", not tmpfs (" + sizes
                        + "): regions are backed"
                        + " by a disk", "use /dev/shm (the default) unless you want the files on disk"));
            } else if (total < SMALL_DIRECTORY_BYTES) {
                findings.add(new Finding("warn", subject, "tmpfs of only " + RegionSummary.formatBytes(total) + " ("
                        + sizes
                        + "); Docker gives containers 64 MiB by default",
                                "enlarge it: docker run --shm-size=512m ..., or"
                        + " mount -o remount,size=1G " + path));
            } else if (free < LOW_FREE_BYTES) {
                findings.add(new Finding("warn", subject, "only " + RegionSummary.formatBytes(free) + " free of "
                        + RegionSummary.formatBytes(total), "remove stale regions (shmtel gc) or enlarge the tmpfs"));
            } else {
                findings.add(new Finding("ok", subject, "tmpfs, " + sizes, ""));
            }
        } catch (IOException e) {
            findings.add(new Finding("warn", subject, "cannot read its size: " + e.getMessage(), ""));
        }
    }

    /** The memlock limit against what locking regions needs: a deployment's locked regions, else every region here. */
    private void lockNeeds(RegionOptions options, List<Finding> findings) {
        long soft;
        try {
            soft = MemoryCalls.memlockLimit()[0];
        } catch (RuntimeException e) {
            findings.add(new Finding("warn", "memory locking", "cannot read RLIMIT_MEMLOCK: " + e.getMessage(), ""));
            return;
        }
        long needed = 0;
        List<String> names = new ArrayList<>();
        String what;
        if (deployment != null) {
            Deployment d = Shmtel.load(deployment, classpath.loader());
            for (Deployment.RegionSpec r : d.regions()) {
                if (r.memory().lock()) {
                    needed += r.layout().regionLength();
                    names.add(r.name());
                }
            }
            what = "deployment " + deployment + " locks " + names.size() + " region" + (names.size() == 1 ? "" : "s")
                    + (names.isEmpty() ? "" : " " + names);
        } else {
            Path dir = options.regionDirectory().path();
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.filter(p -> p.getFileName().toString().startsWith(RegionDirectory.FILE_PREFIX))
                        .toList()) {
                    if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                        needed += Files.size(f);
                        names.add(f.getFileName().toString().substring(RegionDirectory.FILE_PREFIX.length()));
                    }
                }
            } catch (IOException e) {
                return; // the directory finding says why
            }
            what = "locking all " + names.size() + " region" + (names.size() == 1 ? "" : "s") + " in " + dir;
        }
        String need = what + " needs " + RegionSummary.formatBytes(needed) + "; RLIMIT_MEMLOCK is "
                + (soft == MemoryCalls.UNLIMITED ? "unlimited" : RegionSummary.formatBytes(soft));
        boolean capable = MemoryCalls.canLockBeyondLimit();
        if (deployment == null) {
            // Information only: nothing here asked for a lock.
            findings.add(new Finding("ok", "memory locking", need + (needed > soft && !capable
                    ? ": more than the limit; a deployment that locks them needs it raised (shmtel doctor DEPLOYMENT "
                            + "checks one)"
                    : ""), ""));
        } else if (needed <= soft || needed == 0) {
            findings.add(new Finding("ok", "memory locking", need, ""));
        } else if (capable) {
            findings.add(new Finding("ok", "memory locking", need + ", but this process has CAP_IPC_LOCK (root), which"
                    + " ignores the limit; a process without it would fail", ""));
        } else {
            findings.add(new Finding("FAIL", "memory locking", need + ": locking fails",
                    "raise the limit for the processes that lock (ulimit -l " + (needed / 1024 + 1)
                            + " or unlimited; LimitMEMLOCK=infinity in a systemd unit; /etc/security/limits.conf)"));
        }
    }

    private void memlock(List<Finding> findings) {
        try {
            for (String line : Files.readAllLines(procLimits)) {
                if (line.startsWith("Max locked memory")) {
                    String[] f = line.substring("Max locked memory".length()).trim().split("\\s+");
                    String soft = f[0].equals("unlimited") ? "unlimited"
                            : RegionSummary.formatBytes(Long.parseLong(f[0]));
                    String hard = f[1].equals("unlimited") ? "unlimited"
                            : RegionSummary.formatBytes(Long.parseLong(f[1]));
                    findings.add(new Finding("ok", "max locked memory",
                            soft + " (hard limit " + hard + "): regions larger"
                            + " than this cannot be locked in RAM", ""));
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            findings.add(new Finding("warn", "max locked memory", "cannot read " + procLimits + ": " + e.getMessage(),
                    ""));
        }
    }

    private void removeIpc(List<Finding> findings) {
        String subject = "systemd-logind RemoveIPC";
        if (!Files.isDirectory(runSystemd)) {
            findings.add(new Finding("ok", subject, "not a systemd system", ""));
            return;
        }
        String value = "yes (the default)";
        List<Path> files = new ArrayList<>(List.of(etc.resolve("systemd/logind.conf")));
        Path dropIns = etc.resolve("systemd/logind.conf.d");
        if (Files.isDirectory(dropIns)) {
            try (Stream<Path> conf = Files.list(dropIns)) {
                conf.filter(p -> p.toString().endsWith(".conf")).sorted().forEach(files::add);
            } catch (IOException ignored) {
                // the main file is enough to go on
            }
        }
        for (Path file : files) {
            try {
                for (String line : Files.readAllLines(file)) {
                    String t = line.trim();
                    if (t.startsWith("RemoveIPC=")) {
                        value = t.substring("RemoveIPC=".length()).trim() + " (" + file + ")";
                    }
                }
            } catch (IOException ignored) {
                // a missing file keeps the default
            }
        }
        boolean removes = value.startsWith("yes") || value.startsWith("true") || value.startsWith("1");
        int uid = ProcessInfo.currentUid();
        if (removes && uid >= 1000) {
            findings.add(new Finding("warn", subject, value +
                    ": when this user's last login session ends, logind deletes"
                    + " its files in /dev/shm, regions included",
                            "set RemoveIPC=no in /etc/systemd/logind.conf and restart"
                    + " systemd-logind, or run writers as a system user (uid < 1000) or a service with a lingering "
                            + "user"));
        } else {
            findings.add(new Finding("ok", subject, value + (removes ? "; it spares system users like this one (uid "
                    + uid
                    + ")" : ""), ""));
        }
    }

    private static void regions(RegionOptions options, List<Finding> findings) {
        Path dir = options.regionDirectory().path();
        if (!Files.isDirectory(dir)) {
            return;
        }
        int uid = ProcessInfo.currentUid();
        int count = 0;
        int before = findings.size();
        List<Path> entries;
        try (Stream<Path> files = Files.list(dir)) {
            entries = files.filter(p -> p.getFileName().toString().startsWith(RegionDirectory.FILE_PREFIX)).sorted()
                    .toList();
        } catch (IOException e) {
            findings.add(new Finding("warn", "regions", "cannot list " + dir + ": " + e.getMessage(), ""));
            return;
        }
        for (Path file : entries) {
            String name = file.getFileName().toString().substring(RegionDirectory.FILE_PREFIX.length());
            String subject = "region " + name;
            count++;
            if (Files.isSymbolicLink(file)) {
                findings.add(new Finding("FAIL", subject, file + " is a symbolic link; shmtel never follows one",
                        "remove it: rm " + file));
                continue;
            }
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
                    || !RegionDirectory.NAME.matcher(name).matches()) {
                findings.add(new Finding("FAIL", subject, file + " is not a region file", "remove it: rm -r " + file));
                continue;
            }
            boolean othersWrite = false;
            try {
                int owner = (Integer) Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS);
                int mode = (Integer) Files.getAttribute(file, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0777;
                othersWrite = (mode & 0022) != 0;
                if (othersWrite) {
                    findings.add(new Finding("FAIL", subject, "mode 0" + Integer.toOctalString(mode)
                            + " lets other users"
                            + " write it (readers refuse it)", "chmod go-w " + file
                            + " (writers create regions 0600, or 0640 with --mode)"));
                }
                if (owner != uid) {
                    findings.add(new Finding("warn", subject, "owned by uid " + owner + ", not by this user (uid " + uid
                            + "); readers refuse it unless --any-owner", "run the reader as that user, or trust it with"
                            + " --any-owner"));
                }
            } catch (IOException e) {
                findings.add(new Finding("warn", subject, "cannot read its owner and mode: " + e.getMessage(), ""));
            }
            if (othersWrite) {
                continue; // opening it would only repeat the refusal
            }
            try (Region r = Region.open(name, options)) {
                WriterState state = r.writerState(5);
                if (state == WriterState.WRITER_DEAD) {
                    findings.add(new Finding("warn", subject, "its writer (pid " + r.writerPid()
                            + ") died without closing"
                            + " it", "shmtel gc removes dead regions (or restart the writer: it takes the region "
                                    + "over)"));
                }
            } catch (ShmtelException e) {
                findings.add(new Finding("FAIL", subject, e.getMessage(), "remove it: shmtel rm --force " + name));
            }
        }
        if (findings.size() == before) {
            findings.add(new Finding("ok", "regions", count + " in " + dir + ", all readable, owned by this user, with"
                    + " safe modes and live or closed writers", ""));
        }
    }
}
