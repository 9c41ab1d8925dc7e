package io.flashgate.config;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code transport.engines}: the engines an edge may send to, with the one engine of ingress/egress by default. */
class EngineListTest
{
    private static final String RULE = Settings.get("transport.engines").type().rule();

    @Test
    void unsetItIsTheOneEngineOfIngressAndEgress() throws Exception
    {
        final LoadedConfig loaded = ConfigLoader.load(Map.of(),
            Map.of("ingress", "10.0.0.1:4000", "egress", "10.0.0.1:4001"));
        assertEquals(List.of(new FlashgateConfig.EngineEndpoints("10.0.0.1:4000", "10.0.0.1:4001")),
            loaded.config().transport().engineList());
    }

    @Test
    void aListIsReadInOrderAndWinsOverIngressAndEgress() throws Exception
    {
        final LoadedConfig loaded = ConfigLoader.load(Map.of("FLASHGATE_ENGINES",
            "primary.example:40123/primary.example:40124, standby.example:40123/standby.example:40124"), Map.of());
        assertEquals(List.of(new FlashgateConfig.EngineEndpoints("primary.example:40123", "primary.example:40124"),
                new FlashgateConfig.EngineEndpoints("standby.example:40123", "standby.example:40124")),
            loaded.config().transport().engineList());
        assertEquals("standby.example:40123/standby.example:40124",
            loaded.config().transport().engineList().get(1).toString());
        assertEquals("env FLASHGATE_ENGINES", loaded.origin("transport.engines").toString());
    }

    @Test
    void aBadListIsOneLineNamingTheKeyTheRuleAndTheValue()
    {
        for (final String bad : new String[] {"127.0.0.1:40123", "127.0.0.1:40123/127.0.0.1:40124/127.0.0.1:1",
            "127.0.0.1:0/127.0.0.1:40124", "127.0.0.1:40123/127.0.0.1:70000", "a:1/b:2,", "a:1/b:2,a:1/c:3",
            "a:1/a:1", "a:1 / b:2"})
        {
            final ConfigException error = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(Map.of(), Map.of("engines", bad)), bad);
            final String message = error.getMessage();
            assertTrue(message.startsWith("transport.engines: " + RULE + ", was ") && message.contains(bad) &&
                message.endsWith(" (flag --engines)") && message.lines().count() == 1, message);
        }
    }
}
