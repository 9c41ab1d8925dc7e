package io.flashgate.config;

import java.util.Locale;

/** Where a setting's value came from; later sources win: defaults, the YAML file, environment, flags. */
public enum Source
{
    DEFAULT,
    FILE,
    ENV,
    FLAG;

    /** As shown by {@code config --print} and in error messages: "default", "file", "env", "flag". */
    public String label()
    {
        return name().toLowerCase(Locale.ROOT);
    }
}
