package io.flashgate.config;

import io.flashgate.journal.FlushPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Precedence (defaults, file, env, flags) and the one-line errors, in-process. */
class ConfigLoaderTest
{
    @TempDir
    Path dir;

    private Path file(final String yaml) throws Exception
    {
        return Files.writeString(dir.resolve("flashgate.yaml"), yaml);
    }

    @Test
    void laterSourcesWinAndEachValueKeepsItsOrigin() throws Exception
    {
        final Path file = file("edge:\n  httpPort: 9001\njournal:\n  flushPolicy: FSYNC\nprotections:\n  userBurst: 7\n");
        final Map<String, String> env = Map.of("FLASHGATE_HTTP_PORT", "9002", "FLASHGATE_USER_BURST", "8");
        final LoadedConfig loaded = ConfigLoader.load(env, Map.of("config", file.toString(), "http-port", "9003"));
        assertEquals(9003, loaded.config().edge().httpPort());
        assertEquals("flag --http-port", loaded.origin("edge.httpPort").toString());
        assertEquals(8, loaded.config().protections().userBurst());
        assertEquals("env FLASHGATE_USER_BURST", loaded.origin("protections.userBurst").toString());
        assertEquals(FlushPolicy.FSYNC, loaded.config().journal().flushPolicy());
        assertEquals(Source.FILE, loaded.origin("journal.flushPolicy").source());
        assertEquals(Source.DEFAULT, loaded.origin("engine.ringSize").source());

        // FLASHGATE_CONFIG names the file when --config does not.
        final LoadedConfig viaEnv = ConfigLoader.load(Map.of("FLASHGATE_CONFIG", file.toString()), Map.of());
        assertEquals(9001, viaEnv.config().edge().httpPort());
    }

    @Test
    void badValuesNameTheKeyTheRuleTheValueAndTheOrigin() throws Exception
    {
        assertEquals("edge.httpPort: must be 1..65535 (0 is not allowed: clients and probes must know the port), " +
                "was 70000 (flag --http-port)",
            assertThrows(ConfigException.class, () -> ConfigLoader.load(Map.of(), Map.of("http-port", "70000")))
                .getMessage());
        assertEquals("protections.userRatePerSecond: must be a number > 0 and <= 1000000, was -1 (env FLASHGATE_USER_RATE_PER_SECOND)",
            assertThrows(ConfigException.class, () -> ConfigLoader.load(Map.of("FLASHGATE_USER_RATE_PER_SECOND", "-1"), Map.of()))
                .getMessage());
        final Path file = file("engine:\n  ringSize: 1000\n");
        assertEquals("engine.ringSize: must be a power of two in 64..16777216, was 1000 (file " + file + ")",
            assertThrows(ConfigException.class, () -> ConfigLoader.load(Map.of(), Map.of("config", file.toString())))
                .getMessage());
        final Path unknown = file("engine:\n  ringSise: 1024\n");
        assertEquals("engine.ringSise: unknown key, engine has dataDir, ringSize, waitStrategy, stageLayout, expectedBuyers, " +
                "tickIntervalMillis, snapshotEveryCommands (file " + unknown + ")",
            assertThrows(ConfigException.class, () -> ConfigLoader.load(Map.of(), Map.of("config", unknown.toString())))
                .getMessage());
        final Path wrongType = file("edge:\n  httpPort: eighty\n");
        assertThrows(ConfigException.class, () -> ConfigLoader.load(Map.of(), Map.of("config", wrongType.toString())));
        final Path fraction = file("edge:\n  httpPort: 80.5\n");
        assertThrows(ConfigException.class, () -> ConfigLoader.load(Map.of(), Map.of("config", fraction.toString())));
        final Path section = file("edges:\n  httpPort: 80\n");
        assertThrows(ConfigException.class, () -> ConfigLoader.load(Map.of(), Map.of("config", section.toString())));
        assertThrows(ConfigException.class, () -> ConfigLoader.load(Map.of(), Map.of("pair-peer", "no-port")));
        final Path twice = file("engine:\n  ringSize: 1024\nedge:\n  httpPort: 80\nengine:\n  expectedBuyers: 9\n");
        assertEquals("engine: given twice, must be given once (file " + twice + ")",
            assertThrows(ConfigException.class, () -> ConfigLoader.load(Map.of(), Map.of("config", twice.toString())))
                .getMessage());
        final Path keyTwice = file("engine:\n  ringSize: 1024\n  # a comment: fine\n  ringSize: 2048\n");
        assertEquals("engine.ringSize: given twice, must be given once (file " + keyTwice + ")",
            assertThrows(ConfigException.class, () -> ConfigLoader.load(Map.of(), Map.of("config", keyTwice.toString())))
                .getMessage());
        assertThrows(ConfigException.class, () -> ConfigLoader.load(Map.of(), Map.of("config", dir.resolve("none.yaml")
            .toString())));
    }
}
