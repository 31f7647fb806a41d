package io.shmtel.tools;

import io.shmtel.schema.SchemaException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code shmtel} command line. */
@Command(name = "shmtel", mixinStandardHelpOptions = true, versionProvider = ShmtelCli.Version.class,
        description = "Sensor telemetry shared between processes through shared memory.",
        subcommands = {ValidateCommand.class, GenCommand.class, CompatCommand.class, LsCommand.class,
                InspectCommand.class, PubCommand.class, EchoCommand.class, RmCommand.class, RunCommand.class,
                GcCommand.class, DoctorCommand.class, StatCommand.class, TopCommand.class, RecordCommand.class,
                ReplayCommand.class, ServeCommand.class, BridgeCommand.class, CompletionCommand.class, CompleteCommand.class,
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
        io.shmtel.config.LogFormat.installUnlessConfigured();
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the CLI with the given streams and returns the exit code (used by tests). */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        if (args.length > 0 && args[0].equals(CompleteCommand.NAME)
                && !java.util.List.of(args).contains("--help") && !java.util.List.of(args).contains("-h")) {
            // At every TAB of the completion script: only this command, not the whole tree, for a quick start.
            CommandLine complete = new CommandLine(new CompleteCommand());
            complete.setOut(out);
            complete.setErr(err);
            int code = complete.execute(java.util.Arrays.copyOfRange(args, 1, args.length));
            out.flush();
            return code;
        }
        CommandLine cli = commandLine();
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof SchemaException se) {
                se.problems().forEach(p -> err.println(p.render()));
                return ExitCodes.INVALID_INPUT;
            }
            if (e instanceof io.shmtel.config.DeploymentException de) {
                de.problems().forEach(p -> err.println(p.render()));
                return ExitCodes.INVALID_INPUT;
            }
            if (e instanceof io.shmtel.tools.mcap.McapReader.McapFormatException) {
                err.println(commandLine.getCommandSpec().qualifiedName() + ": " + e.getMessage());
                return ExitCodes.INVALID_INPUT;
            }
            int code = exitCode(e);
            if (code != ExitCodes.INTERNAL) {
                err.println(commandLine.getCommandSpec().qualifiedName() + ": " + e.getMessage());
                return code;
            }
            err.println("shmtel: internal error: " + e);
            e.printStackTrace(err);
            return ExitCodes.INTERNAL;
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

    /** The documented exit code of an expected failure; {@link ExitCodes#INTERNAL} for anything else. */
    static int exitCode(Throwable e) {
        if (e instanceof OutputException) {
            return ExitCodes.IO_ERROR;
        } else if (e instanceof io.shmtel.schema.InputFiles.UnreadableFileException) {
            return ExitCodes.INVALID_INPUT;
        } else if (e instanceof io.shmtel.core.region.RegionNotFoundException) {
            return ExitCodes.REGION_NOT_FOUND;
        } else if (e instanceof io.shmtel.core.region.RegionOwnedException) {
            return ExitCodes.REGION_OWNED;
        } else if (e instanceof io.shmtel.core.region.CorruptRegionException) {
            return ExitCodes.CORRUPT_REGION;
        } else if (e instanceof io.shmtel.core.region.NoSpaceException) {
            return ExitCodes.NO_SPACE;
        } else if (e instanceof io.shmtel.core.region.RegionPermissionException) {
            return ExitCodes.PERMISSION;
        } else if (e instanceof io.shmtel.core.region.RegionNotReadyException) {
            return ExitCodes.TIMEOUT;
        } else if (e instanceof io.shmtel.core.region.IncompatibleLayoutException) {
            return ExitCodes.INCOMPATIBLE;
        } else if (e instanceof io.shmtel.core.region.InvalidRegionNameException
                || e instanceof io.shmtel.config.ExtensionException) {
            return ExitCodes.INVALID_INPUT;
        } else if (e instanceof io.shmtel.core.region.RegionMemoryException) {
            return ExitCodes.MEMORY;
        } else if (e instanceof io.shmtel.core.region.RegionIoException) {
            return ExitCodes.SYSTEM_ERROR;
        } else if (e instanceof io.shmtel.sensors.SensorUnavailableException) {
            return ExitCodes.SENSOR_UNAVAILABLE;
        } else if (e instanceof io.shmtel.foxglove.ServeException) {
            return ExitCodes.CANNOT_LISTEN;
        } else if (e instanceof io.shmtel.bridge.BridgeException) {
            return ExitCodes.BRIDGE_FAILED;
        }
        return ExitCodes.INTERNAL;
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
