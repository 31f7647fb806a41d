package io.shmtel.tools;

import io.shmtel.bridge.BridgeException;
import io.shmtel.config.Shmtel;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import io.shmtel.core.ShutdownCloser;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

@Command(name = "run", description = {"Starts the nodes of a deployment file in this process until Ctrl-C or SIGTERM.",
        "Drivers publish and subscribers consume; at the end every region is closed cleanly (state CLOSED) and"
                + " removed if the file says so. Every error of the file is reported before anything starts."
                + " Driver types and actions of your own come from jars on --classpath (docs/deployment.md).",
        "Example: shmtel run samples/demo.json --only drivers"})
final class RunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "DEPLOYMENT", description = "Deployment file (JSON; see docs/deployment.md).")
    Path file;

    @Option(names = "--only", paramLabel = "NODE", description = "Start only this node of the file.")
    String only;

    @Option(names = "--check", description = "Validate the file and exit.")
    boolean check;

    @CommandLine.Mixin
    ClasspathOptionMixin classpath;

    @Override
    public Integer call() throws InterruptedException {
        ClassLoader extensions = classpath.loader();
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(extensions); // drivers' and actions' threads inherit it
        try {
            return run(extensions);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private int run(ClassLoader extensions) throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        if (check) {
            var d = Shmtel.load(file, extensions);
            out.printf("%s: ok: deployment \"%s\", %d regions, %d nodes%n", file, d.name(), d.regions().size(),
                    d.nodes().size());
            return ExitCodes.OK;
        }
        // The stop hook is in place before anything starts: a SIGTERM right after "started" (or during
        // the start, which it then waits for) still stops the deployment and logs its stop line.
        Object starting = new Object();
        AtomicReference<Shmtel.Running> started = new AtomicReference<>();
        AtomicReference<Process> bridgeProcess = new AtomicReference<>();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            synchronized (starting) {
                Process c = bridgeProcess.get();
                if (c != null) {
                    c.destroy(); // SIGTERM: the bridges close their mirrors cleanly
                    try {
                        c.waitFor(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                Shmtel.Running r = started.get();
                if (r != null) {
                    r.close();
                }
                stopped.countDown();
            }
        }, "shmtel-run-stop"));
        Process child;
        synchronized (starting) {
            Shmtel.Running running = Shmtel.run(file, only, extensions);
            ShutdownCloser.unregister(running.runner()); // the hook above stops the bridges first, then the runner
            Process bridges = null;
            if (!BridgeCommand.bridgesOf(running.deployment(), only).isEmpty()) {
                try {
                    bridges = startBridges();
                } catch (IOException | RuntimeException e) {
                    running.close();
                    throw new BridgeException("cannot start the bridge process: " + e.getMessage(), e);
                }
            }
            child = bridges;
            bridgeProcess.set(bridges);
            started.set(running);
        }
        if (child == null) {
            stopped.await();
            return ExitCodes.OK;
        }
        int code = child.waitFor();
        // Ctrl-C reaches both processes: give this one's shutdown a moment before calling it a failure.
        if (!stopped.await(3, TimeUnit.SECONDS)) { // the bridges stopped by themselves
            spec.commandLine().getErr().println("shmtel run: the bridge process exited with status " + code
                    + "; stopping the deployment");
            return code == 0 ? ExitCodes.BRIDGE_FAILED : code;
        }
        stopped.await();
        return ExitCodes.OK;
    }

    /**
     * The nodes' bridges run in a child JVM: only it gets the flag Aeron needs (docs/bridge.md). It
     * shares this process's stdout and stderr and stops when this process ends.
     */
    private Process startBridges() throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(List.of("--enable-native-access=ALL-UNNAMED", "--add-exports",
                "java.base/jdk.internal.misc=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), ShmtelCli.class.getName(), "bridge", "run",
                        file.toString(),
                "--parent-pid", Long.toString(ProcessHandle.current().pid())));
        if (only != null) {
            cmd.addAll(List.of("--only", only));
        }
        List<Path> own = classpath.entries(); // the child parses the file, so it needs the same driver types
        if (!own.isEmpty()) {
            cmd.addAll(List.of("--classpath", String.join(File.pathSeparator,
                    own.stream().map(Path::toString).toList())));
        }
        return new ProcessBuilder(cmd).inheritIO().start();
    }
}
