package io.flashgate.ops;

import io.flashgate.cli.Args;
import io.flashgate.cli.Option;
import io.flashgate.cli.UsageException;
import io.flashgate.cli.Verb;
import io.flashgate.config.ConfigException;
import io.flashgate.config.ConfigLoader;
import io.flashgate.config.Setting;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One {@code ops/flashgate} command: its options declared once (settings' flags among them), and what it does. */
interface LauncherVerb extends Verb
{
    /**
     * Runs the command; returns its exit code. A usage, configuration or environment problem, or a fault a serving
     * process cannot work through, is thrown, and the launcher turns it into one line and its exit code.
     */
    int execute(Args args, Map<String, String> env, PrintStream out)
        throws UsageException, ConfigException, EnvironmentException, IOException, ProcessFault;

    /** {@code --config FILE}, then the flags of {@code settings}, then {@code extra}. */
    static List<Option> withSettings(final List<Setting> settings, final Option... extra)
    {
        final List<Option> options = new ArrayList<>(List.of(extra));
        options.add(ConfigLoader.CONFIG_OPTION);
        settings.forEach(setting -> options.add(setting.option()));
        return List.copyOf(options);
    }
}
