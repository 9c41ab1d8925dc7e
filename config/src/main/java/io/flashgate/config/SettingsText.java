package io.flashgate.config;

/**
 * The settings written out for people, all generated from {@link Settings}: the effective settings as YAML with
 * each value's origin ({@code config --print}), the list in {@code ops/flashgate help}, and the table of
 * docs/CONFIG.md.
 */
public final class SettingsText
{
    private SettingsText()
    {
    }

    /** YAML that loads back to the same settings; each line says where its value came from. */
    public static String yaml(final LoadedConfig loaded)
    {
        final StringBuilder out = new StringBuilder();
        String section = "";
        for (final Setting setting : Settings.ALL_SETTINGS)
        {
            if (!setting.section().equals(section))
            {
                section = setting.section();
                out.append(section).append(":\n");
            }
            final Object value = loaded.values().get(setting.key());
            // A set secret is never printed: its line is a comment, so the output still loads back.
            final boolean hidden = setting.type() instanceof SettingType.Text text && text.secret() &&
                !"".equals(value);
            final String line = (hidden ? "  # " : "  ") + setting.name() + ": " + setting.type().yaml(value);
            out.append(String.format("%-48s # %s%n", line, loaded.origins().get(setting.key())));
        }
        return out.toString();
    }

    /** A complete settings file at the defaults, each setting under a comment saying what it means. */
    public static String example()
    {
        final StringBuilder out = new StringBuilder()
            .append("# Flashgate settings (docs/CONFIG.md). Every setting is here at its default value.\n")
            .append("# Use: ops/flashgate run --config FILE (or FLASHGATE_CONFIG=FILE); FLASHGATE_* variables and\n")
            .append("# flags win over this file. ops/flashgate config --print shows what is in effect.\n");
        String section = "";
        for (final Setting setting : Settings.ALL_SETTINGS)
        {
            if (!setting.section().equals(section))
            {
                section = setting.section();
                out.append('\n').append(section).append(":\n");
            }
            out.append("  # ").append(setting.meaning()).append('\n')
                .append("  # ").append(setting.type().rule()).append("; ").append(setting.env()).append(", --")
                .append(setting.flag()).append('\n')
                .append("  ").append(setting.name()).append(": ").append(setting.type().yaml(setting.defaultValue()))
                .append('\n');
        }
        return out.toString();
    }

    /** Every setting with its default, variable and flag, grouped by section, for the launcher's help. */
    public static String help()
    {
        final StringBuilder out = new StringBuilder();
        out.append(String.format("  %-30s %-26s %-34s %s%n", "key", "flag", "env", "default"));
        for (final Setting setting : Settings.ALL_SETTINGS)
        {
            out.append(String.format("  %-30s %-26s %-34s %s%n", setting.key(), "--" + setting.flag(), setting.env(),
                setting.defaultText()));
        }
        return out.toString();
    }

    /** The settings table of docs/CONFIG.md: key, type, rule, default, env, flag, used by, meaning. */
    public static String markdownTable()
    {
        final StringBuilder out = new StringBuilder()
            .append("| key | type | rule | default | env | flag | used by | meaning |\n")
            .append("| --- | --- | --- | --- | --- | --- | --- | --- |\n");
        for (final Setting setting : Settings.ALL_SETTINGS)
        {
            out.append("| `").append(setting.key()).append("` | ").append(setting.type().typeName())
                .append(" | ").append(setting.type().rule().replace("|", "\\|"))
                .append(" | `").append(setting.defaultText()).append("` | `").append(setting.env())
                .append("` | `--").append(setting.flag()).append("` | ")
                .append(String.join(", ", setting.usedBy().stream().sorted().map(k -> k.name().toLowerCase(
                    java.util.Locale.ROOT)).toList()))
                .append(" | ").append(setting.meaning().replace("|", "\\|")).append(" |\n");
        }
        return out.toString();
    }
}
