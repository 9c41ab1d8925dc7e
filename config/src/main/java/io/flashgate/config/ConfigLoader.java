package io.flashgate.config;

import io.flashgate.cli.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the settings in order of precedence, later winning: defaults, the YAML file ({@code --config FILE} or
 * {@value #CONFIG_ENV}), {@code FLASHGATE_*} variables, flags. Every value is checked against its setting's rule as
 * it is read, so the first bad one stops the load with a message naming key, rule, value and origin.
 */
public final class ConfigLoader
{
    /** The variable naming the settings file. */
    public static final String CONFIG_ENV = "FLASHGATE_CONFIG";
    /** The flag naming the settings file (wins over {@value #CONFIG_ENV}). */
    public static final Option CONFIG_OPTION = Option.valued("config", "FILE",
        "YAML settings file (" + CONFIG_ENV + "); env and flags win over it");

    private ConfigLoader()
    {
    }

    /**
     * @param env   the environment ({@code System.getenv()}); only {@code FLASHGATE_*} variables are read.
     * @param flags the valued flags given, by name without dashes; flags of no setting are ignored here.
     */
    public static LoadedConfig load(final Map<String, String> env, final Map<String, String> flags)
        throws ConfigException
    {
        final Map<String, Object> values = new LinkedHashMap<>();
        final Map<String, Origin> origins = new LinkedHashMap<>();
        for (final Setting setting : Settings.ALL_SETTINGS)
        {
            values.put(setting.key(), setting.defaultValue());
            origins.put(setting.key(), Origin.DEFAULT);
        }
        final String file = flags.containsKey(CONFIG_OPTION.name()) ? flags.get(CONFIG_OPTION.name()) :
            nonEmpty(env.get(CONFIG_ENV));
        if (file != null)
        {
            final Origin origin = new Origin(Source.FILE, file);
            for (final Map.Entry<String, Object> found : YamlFile.read(Path.of(file)).entrySet())
            {
                final Setting setting = Settings.get(found.getKey());
                final Object raw = found.getValue();
                final Object typed = raw == null ? null : setting.type().fromYaml(raw);
                if (typed == null)
                {
                    throw ConfigException.invalid(setting.key(), setting.type().rule(), shown(setting, raw), origin.toString());
                }
                values.put(setting.key(), typed);
                origins.put(setting.key(), origin);
            }
        }
        for (final Setting setting : Settings.ALL_SETTINGS)
        {
            final String fromEnv = nonEmpty(env.get(setting.env()));
            if (fromEnv != null)
            {
                put(setting, fromEnv, new Origin(Source.ENV, setting.env()), values, origins);
            }
            final String fromFlag = flags.get(setting.flag());
            if (fromFlag != null)
            {
                put(setting, fromFlag, new Origin(Source.FLAG, "--" + setting.flag()), values, origins);
            }
        }
        return new LoadedConfig(FlashgateConfig.from(values::get), values, origins);
    }

    private static void put(final Setting setting, final String text, final Origin origin,
        final Map<String, Object> values, final Map<String, Origin> origins) throws ConfigException
    {
        final Object typed = setting.type().fromText(text);
        if (typed == null)
        {
            throw ConfigException.invalid(setting.key(), setting.type().rule(), shown(setting, text), origin.toString());
        }
        values.put(setting.key(), typed);
        origins.put(setting.key(), origin);
    }

    /** The refused value as the message shows it: a secret never, text quoted. */
    private static String shown(final Setting setting, final Object raw)
    {
        if (setting.type() instanceof SettingType.Text text && text.secret())
        {
            return "a value (hidden)";
        }
        if (raw == null)
        {
            return "empty";
        }
        final String text = String.valueOf(raw);
        return text.isEmpty() || text.contains(" ") ? "'" + text + "'" : text;
    }

    private static String nonEmpty(final String value)
    {
        return value == null || value.isEmpty() ? null : value;
    }
}
