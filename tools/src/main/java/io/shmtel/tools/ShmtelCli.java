package io.shmtel.tools;

import io.shmtel.config.DeploymentException;
import io.shmtel.config.LogFormat;
import io.shmtel.schema.SchemaException;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code shmtel} command line. */
@Command(name = "shmtel", mixinStandardHelpOptions = true, versionProvider = ShmtelCli.Version.class,
        description = "Sensor telemetry shared between processes through shared memory.",
        subcommands = {ValidateCommand.class, GenCommand.class, CompatCommand.class, LsCommand.class,
                InspectCommand.class, PubCommand.class, EchoCommand.class, RmCommand.class, RunCommand.class,
                GcCommand.class, DoctorCommand.class, StatCommand.class, TopCommand.class, RecordCommand.class,
                ReplayCommand.class, ServeCommand.class, BridgeCommand.class, CompletionCommand.class,
                CompleteCommand.class,
                CliHelp.HelpCommand.class},
        footerHeading = "%n",
        footer = {"Every command answers --help, and 'shmtel help COMMAND [SUBCOMMAND]' describes it.",
                "Benchmarks: 'bin/shmtel bench [--quick]' runs the cross-process harness of the bench module "
                + "(see docs/performance.md).", ""},
        // the list itself comes from ExitCodes (CliHelp.configure)
        exitCodeListHeading = "%nExit codes:%n")
public final class ShmtelCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
    }

    public static void main(String[] args) {
        // One line per log record on stderr: time, level, source, message (docs/cli.md#logging).
        LogFormat.installUnlessConfigured();
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the CLI with the given streams and returns the exit code (used by tests). */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        if (args.length > 0 && args[0].equals(CompleteCommand.NAME)
                && !List.of(args).contains("--help") && !List.of(args).contains("-h")) {
            // At every TAB of the completion script: only this command, not the whole tree, for a quick start.
            CommandLine complete = new CommandLine(new CompleteCommand());
            complete.setOut(out);
            complete.setErr(err);
            int code = complete.execute(Arrays.copyOfRange(args, 1, args.length));
            out.flush();
            return code;
        }
        CommandLine cli = commandLine();
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            int code = ExitCodes.of(e);
            if (code == ExitCodes.INTERNAL) {
                err.println("shmtel: internal error: " + e);
                e.printStackTrace(err);
            } else if (e instanceof SchemaException se) { // every problem, one a line, each saying where
                se.problems().forEach(p -> err.println(p.render()));
            } else if (e instanceof DeploymentException de) {
                de.problems().forEach(p -> err.println(p.render()));
            } else {
                err.println(commandLine.getCommandSpec().qualifiedName() + ": " + e.getMessage());
            }
            return code;
        });
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /** The whole command tree, with help on every command, wrapped help text and one-line usage errors. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new ShmtelCli());
        CliHelp.configure(cli);
        return cli;
    }

    /** Version from the jar manifest when packaged. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = ShmtelCli.class.getPackage().getImplementationVersion();
            return new String[] {"shmtel " + (v == null ? "(development build)" : v)};
        }
    }
}
