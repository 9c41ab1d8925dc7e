package io.flashgate.config;

/**
 * Where one setting's value came from: the source and its name there ("flag --http-port", "env FLASHGATE_HTTP_PORT",
 * "file flashgate.yaml", "default").
 */
public record Origin(Source source, String where)
{
    static final Origin DEFAULT = new Origin(Source.DEFAULT, "");

    @Override
    public String toString()
    {
        return where.isEmpty() ? source.label() : source.label() + " " + where;
    }
}
