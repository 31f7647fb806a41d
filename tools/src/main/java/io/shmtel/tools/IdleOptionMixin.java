package io.shmtel.tools;

import io.shmtel.core.idle.IdleStrategies;
import io.shmtel.core.idle.IdleStrategy;
import io.shmtel.core.idle.IdleStrategyKind;
import java.util.Iterator;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code --idle}: what a reading command does while nothing is new (default: sleep until the writer publishes).
 * The strategies, listed in the help and offered by shell completion, are the registry's, {@link IdleStrategyKind}.
 */
final class IdleOptionMixin {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--idle", paramLabel = "STRATEGY", defaultValue = IdleStrategies.BLOCKING,
            converter = OptionValues.IdleName.class, completionCandidates = Strategies.class,
            description = "Idle strategy while waiting: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}, which"
                    + " sleeps until the writer publishes and uses no CPU while idle; docs/cli.md compares them).")
    String idle;

    /** The strategy's name, checked (a bad one is a usage error naming the strategies). */
    String name() {
        strategy();
        return idle;
    }

    IdleStrategy strategy() {
        try {
            return IdleStrategyKind.byName(idle).create();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** The strategies' names, for the help's {@code ${COMPLETION-CANDIDATES}} and the completion script. */
    static final class Strategies implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return IdleStrategyKind.names().iterator();
        }
    }
}
