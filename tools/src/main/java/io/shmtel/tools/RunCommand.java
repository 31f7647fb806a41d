package io.shmtel.tools;

import io.shmtel.config.Shmtel;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "run", description = {"Starts the nodes of a deployment file in this process (drivers publishing,",
        "subscribers consuming) until Ctrl-C or SIGTERM; then closes every region cleanly (state CLOSED)",
        "and removes them if the file says so. Every error of the file is reported before anything starts.",
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

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        if (check) {
            var d = Shmtel.load(file);
            out.printf("%s: ok: deployment \"%s\", %d regions, %d nodes%n", file, d.name(), d.regions().size(),
                    d.nodes().size());
            return ExitCodes.OK;
        }
        Shmtel.Running running = Shmtel.run(file, only);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.close();
            stopped.countDown();
        }, "shmtel-run-stop"));
        stopped.await();
        return ExitCodes.OK;
    }
}
