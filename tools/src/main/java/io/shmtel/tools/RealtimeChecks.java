package io.shmtel.tools;

import io.shmtel.tools.DoctorCommand.Finding;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The part of {@code shmtel doctor} that reports what real-time placement depends on: isolated and
 * {@code nohz_full} CPUs, RLIMIT_RTPRIO, each online CPU's frequency governor and real-time throttling.
 *
 * <p>These are facts for most users, so they are {@code ok} lines; the two a real-time user would act on (a
 * governor other than {@code performance}, an RLIMIT_RTPRIO of 0 without CAP_SYS_NICE) are {@code warn} lines
 * marked as advice ({@link Finding#advice()}), which never change doctor's exit status: every default machine
 * has them. Each file read is a constructor argument so tests point the checks at planted files.
 */
final class RealtimeChecks {
    /** The bit of CAP_SYS_NICE in /proc/self/status's CapEff mask (linux/capability.h). */
    static final int CAP_SYS_NICE = 23;
    /** The highest SCHED_FIFO / SCHED_RR priority, suggested as the value to raise RLIMIT_RTPRIO to. */
    static final int MAX_RT_PRIORITY = 99;
    /** sched_rt_runtime_us's value when real-time throttling is off. */
    static final long THROTTLING_OFF = -1;
    static final long MICROS_PER_MILLI = 1000;
    static final double PERCENT = 100.0;
    static final String PERFORMANCE = "performance";
    static final String RTPRIO_LINE = "Max realtime priority";
    private static final Pattern CPU_DIRECTORY = Pattern.compile("cpu(\\d+)");
    private static final Pattern NOHZ_FULL_ARGUMENT = Pattern.compile("(?:^|\\s)nohz_full=(\\S+)");

    private final Path sysCpu;
    private final Path procCmdline;
    private final Path procLimits;
    private final Path procStatus;
    private final Path procSysKernel;

    /**
     * @param sysCpu /sys/devices/system/cpu
     * @param procCmdline /proc/cmdline (nohz_full= when sysfs does not list it)
     * @param procLimits /proc/self/limits
     * @param procStatus /proc/self/status (CapEff, for CAP_SYS_NICE)
     * @param procSysKernel /proc/sys/kernel (sched_rt_runtime_us, sched_rt_period_us)
     */
    RealtimeChecks(Path sysCpu, Path procCmdline, Path procLimits, Path procStatus, Path procSysKernel) {
        this.sysCpu = sysCpu;
        this.procCmdline = procCmdline;
        this.procLimits = procLimits;
        this.procStatus = procStatus;
        this.procSysKernel = procSysKernel;
    }

    /** Adds one finding per check, in the order they are printed. */
    void addTo(List<Finding> findings) {
        findings.add(isolated());
        findings.add(nohzFull());
        findings.add(rtprio());
        findings.add(governors());
        findings.add(throttling());
    }

    Finding isolated() {
        String subject = "isolated CPUs";
        Path file = sysCpu.resolve("isolated");
        String list;
        try {
            list = cpuListText(read(file));
        } catch (IOException e) {
            return ok(subject, "cannot tell: " + reason(file, e));
        }
        if (list.isEmpty()) {
            return ok(subject, "none (" + file + "; isolcpus= not set): real-time threads share every CPU with the"
                    + " rest of the system");
        }
        return ok(subject, list + " (" + file + "): the scheduler keeps other tasks off them; pin real-time threads"
                + " there");
    }

    Finding nohzFull() {
        String subject = "nohz_full CPUs";
        Path file = sysCpu.resolve("nohz_full");
        String list = "";
        String source = file.toString();
        try {
            list = cpuListText(read(file));
        } catch (IOException e) {
            // older kernels, or one without CONFIG_NO_HZ_FULL: the command line says what was asked
        }
        if (list.isEmpty()) {
            try {
                Matcher m = NOHZ_FULL_ARGUMENT.matcher(read(procCmdline));
                if (m.find()) {
                    list = m.group(1);
                    source = procCmdline + ", nohz_full=";
                }
            } catch (IOException e) {
                return ok(subject, "cannot tell: " + reason(procCmdline, e));
            }
        }
        if (list.isEmpty()) {
            return ok(subject, "none (neither " + file + " nor " + procCmdline + " names any): every CPU takes the"
                    + " scheduler tick");
        }
        return ok(subject, list + " (" + source + "): a CPU running a single task there takes no scheduler tick");
    }

    Finding rtprio() {
        String subject = "RLIMIT_RTPRIO";
        String[] limits;
        try {
            limits = Files.readAllLines(procLimits).stream().filter(l -> l.startsWith(RTPRIO_LINE))
                    .map(l -> l.substring(RTPRIO_LINE.length()).trim().split("\\s+")).findFirst().orElse(null);
        } catch (IOException e) {
            return ok(subject, "cannot tell: " + reason(procLimits, e));
        }
        if (limits == null || limits.length < 2) {
            return ok(subject, "cannot tell: " + procLimits + " has no \"" + RTPRIO_LINE + "\" line");
        }
        String soft = limits[0];
        String hard = limits[1];
        String facts = soft + " (hard limit " + hard + ")";
        if (!soft.equals("0")) {
            return ok(subject, facts + ": this user's threads may take SCHED_FIFO / SCHED_RR priorities up to "
                    + (soft.equals("unlimited") ? MAX_RT_PRIORITY : soft));
        }
        if (hasSysNice()) {
            return ok(subject, facts + ", but this process has CAP_SYS_NICE (root), which ignores the limit; a"
                    + " process without it cannot take a real-time priority");
        }
        return advice(subject, facts + ": this user's threads cannot take a real-time priority (SCHED_FIFO /"
                + " SCHED_RR); only real-time use needs it", "raise it for the processes that run real-time threads:"
                + " ulimit -r " + MAX_RT_PRIORITY + (hard.equals("0") ? " after raising the hard limit" : "")
                + " ('USER - rtprio " + MAX_RT_PRIORITY + "' in /etc/security/limits.conf, then log in again),"
                + " or LimitRTPRIO=" + MAX_RT_PRIORITY + " in a systemd unit");
    }

    Finding governors() {
        String subject = "CPU frequency governor";
        TreeSet<Integer> cpus = onlineCpus();
        Map<String, TreeSet<Integer>> byGovernor = new TreeMap<>();
        TreeSet<Integer> without = new TreeSet<>();
        for (int cpu : cpus) {
            Path file = sysCpu.resolve("cpu" + cpu).resolve("cpufreq/scaling_governor");
            try {
                byGovernor.computeIfAbsent(read(file).trim(), g -> new TreeSet<>()).add(cpu);
            } catch (IOException e) {
                without.add(cpu);
            }
        }
        if (byGovernor.isEmpty()) {
            return ok(subject, "none: no " + sysCpu.resolve("cpu*/cpufreq/scaling_governor")
                    + " (usual in a virtual machine, whose host sets the frequency)");
        }
        List<String> parts = new ArrayList<>();
        byGovernor.forEach((governor, set) -> parts.add(governor + " on CPU" + (set.size() == 1 ? " " : "s ")
                + cpuListText(set)));
        if (!without.isEmpty()) {
            parts.add("no cpufreq on CPU" + (without.size() == 1 ? " " : "s ") + cpuListText(without));
        }
        String facts = String.join(", ", parts);
        if (byGovernor.size() == 1 && byGovernor.containsKey(PERFORMANCE)) {
            return ok(subject, facts);
        }
        return advice(subject, facts + ": a CPU that lowers its clock when idle wakes slower and runs a busy-spinning"
                + " thread at a varying speed", "for real-time use set the CPUs it runs on to performance: cpupower"
                + " frequency-set -g " + PERFORMANCE + ", or echo " + PERFORMANCE + " | sudo tee "
                + sysCpu.resolve("cpu*/cpufreq/scaling_governor"));
    }

    Finding throttling() {
        String subject = "real-time throttling";
        Path runtimeFile = procSysKernel.resolve("sched_rt_runtime_us");
        Path periodFile = procSysKernel.resolve("sched_rt_period_us");
        long runtime;
        long period;
        try {
            runtime = Long.parseLong(read(runtimeFile).trim());
            if (runtime == THROTTLING_OFF) {
                return ok(subject, "off (sched_rt_runtime_us " + THROTTLING_OFF + "): a real-time thread may keep a"
                        + " CPU to itself");
            }
            period = Long.parseLong(read(periodFile).trim());
        } catch (IOException | NumberFormatException e) {
            return ok(subject, "cannot tell: " + (e instanceof IOException io ? reason(runtimeFile, io)
                    : e.getMessage()));
        }
        return ok(subject, String.format("on: real-time threads get %d us of every %d us (%.0f%%) of a CPU"
                + "; a busy-spinning SCHED_FIFO thread is stopped for the other %d ms of each period"
                + " (sysctl kernel.sched_rt_runtime_us=%d turns it off)", runtime, period,
                PERCENT * runtime / period, (period - runtime) / MICROS_PER_MILLI, THROTTLING_OFF));
    }

    /** The online CPUs from {@code online}, else every cpuN directory. */
    private TreeSet<Integer> onlineCpus() {
        try {
            return parseCpuList(read(sysCpu.resolve("online")));
        } catch (IOException | RuntimeException e) {
            TreeSet<Integer> cpus = new TreeSet<>();
            try (Stream<Path> entries = Files.list(sysCpu)) {
                entries.map(p -> CPU_DIRECTORY.matcher(p.getFileName().toString())).filter(Matcher::matches)
                        .forEach(m -> cpus.add(Integer.parseInt(m.group(1))));
            } catch (IOException ignored) {
                // no CPUs known: the governor finding says none was found
            }
            return cpus;
        }
    }

    /** Whether this process's effective capabilities include CAP_SYS_NICE. */
    private boolean hasSysNice() {
        try {
            for (String line : Files.readAllLines(procStatus)) {
                if (line.startsWith("CapEff:")) {
                    return new BigInteger(line.substring("CapEff:".length()).trim(), 16).testBit(CAP_SYS_NICE);
                }
            }
        } catch (IOException | NumberFormatException ignored) {
            // unknown: say the limit applies
        }
        return false;
    }

    /** A kernel CPU list as read ("2-3\n", "(null)" or "" when none), trimmed, "" for none. */
    private static String cpuListText(String raw) {
        String t = raw.trim();
        return t.equals("(null)") ? "" : t;
    }

    /** Parses a kernel CPU list such as "0-3,8,10-11". */
    static TreeSet<Integer> parseCpuList(String list) {
        TreeSet<Integer> cpus = new TreeSet<>();
        for (String part : list.trim().split(",")) {
            if (part.isEmpty()) {
                continue;
            }
            int dash = part.indexOf('-');
            int from = Integer.parseInt(dash < 0 ? part : part.substring(0, dash));
            int to = dash < 0 ? from : Integer.parseInt(part.substring(dash + 1));
            for (int cpu = from; cpu <= to; cpu++) {
                cpus.add(cpu);
            }
        }
        return cpus;
    }

    /** Writes CPUs as the kernel does: "0-3,8,10-11". */
    static String cpuListText(TreeSet<Integer> cpus) {
        StringBuilder s = new StringBuilder();
        Integer start = null;
        Integer last = null;
        for (int cpu : cpus) {
            if (last != null && cpu == last + 1) {
                last = cpu;
                continue;
            }
            appendRange(s, start, last);
            start = cpu;
            last = cpu;
        }
        appendRange(s, start, last);
        return s.toString();
    }

    private static void appendRange(StringBuilder s, Integer start, Integer last) {
        if (start == null) {
            return;
        }
        if (s.length() > 0) {
            s.append(',');
        }
        s.append(start);
        if (!last.equals(start)) {
            s.append('-').append(last);
        }
    }

    /**
     * A small kernel file's text. Read as a stream: procfs and sysfs files report a size (0, or a page) that
     * is not their length, and a read sized by it can come back short (it did for sched_rt_runtime_us here).
     */
    private static String read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    private static String reason(Path file, IOException e) {
        return e instanceof NoSuchFileException ? "no " + file : "cannot read " + file + ": " + e.getMessage();
    }

    private static Finding ok(String subject, String message) {
        return new Finding("ok", subject, message, "");
    }

    private static Finding advice(String subject, String message, String fix) {
        return new Finding("warn", subject, message, fix, true);
    }
}
