package io.shmtel.tools;

import io.shmtel.core.idle.IdleStrategies;
import io.shmtel.core.idle.IdleStrategy;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code --idle}: what a reading command does while nothing is new (default: sleep until the writer publishes). */
final class IdleOptionMixin {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--idle", paramLabel = "STRATEGY", defaultValue = IdleStrategies.BLOCKING,
            converter = OptionValues.IdleName.class,
            description = "Idle strategy while waiting: blocking (default: sleeps until the writer publishes, wakes in"
                    + " tens of microseconds, no CPU while idle), backoff (polls, parking up to 1 ms), yield or busy-spin"
                    + " (a whole core, the lowest latency).")
    String idle;

    /** The strategy's name, checked (a bad one is a usage error naming the strategies). */
    String name() {
        strategy();
        return idle;
    }

    IdleStrategy strategy() {
        try {
            return IdleStrategies.byName(idle);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
