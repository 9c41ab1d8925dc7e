package io.flashgate.ops;

import io.flashgate.cli.Args;
import io.flashgate.cli.Option;
import io.flashgate.cli.UsageException;
import io.flashgate.config.ConfigException;
import io.flashgate.config.ConfigLoader;
import io.flashgate.config.Settings;
import io.flashgate.config.SettingsText;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/** {@code config --print}: the effective settings as YAML, each line saying where its value came from. */
final class ConfigVerb implements LauncherVerb
{
    @Override
    public String name()
    {
        return "config";
    }

    @Override
    public String summary()
    {
        return "--print: the effective settings as YAML, each with its origin (default, file, env, flag)";
    }

    @Override
    public String synopsis()
    {
        return "config --print [--config FILE] [options]";
    }

    @Override
    public String description()
    {
        return "Loads the settings as run, engine and edge would (defaults, the --config file, FLASHGATE_* variables,\n" +
            "flags) and prints them as YAML that loads back to the same settings. The token secret is never printed.";
    }

    @Override
    public List<Option> options()
    {
        return LauncherVerb.withSettings(Settings.ALL_SETTINGS,
            Option.flag("print", "print the effective settings"));
    }

    @Override
    public int execute(final Args args, final Map<String, String> env, final PrintStream out)
        throws UsageException, ConfigException
    {
        args.positionals();
        if (!args.flag("print"))
        {
            throw new UsageException("config needs --print (see: ops/flashgate config --help)");
        }
        out.print(SettingsText.yaml(ConfigLoader.load(env, args.values())));
        return Launcher.OK;
    }
}
