package io.flashgate.ops;

import io.flashgate.config.ConfigException;
import io.flashgate.config.ConfigLoader;
import io.flashgate.config.FlashgateConfig;
import io.flashgate.config.Setting;
import io.flashgate.config.Settings;
import io.flashgate.edge.http.Tokens;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Settings, the kept secret and the token command, in-process. */
class LauncherTest
{
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int launch(final String... args)
    {
        return Launcher.run(List.of(args), Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private static FlashgateConfig load(final Map<String, String> env, final String... flags) throws Exception
    {
        final Map<String, String> values = new java.util.HashMap<>();
        for (int i = 0; i < flags.length; i += 2)
        {
            values.put(flags[i], flags[i + 1]);
        }
        return ConfigLoader.load(env, values).config();
    }

    @Test
    void defaultsThenEnvironmentThenFlags() throws Exception
    {
        final FlashgateConfig defaults = load(Map.of());
        assertEquals(8080, defaults.edge().httpPort());
        assertEquals(Path.of("data"), defaults.engine().dataDir());
        assertTrue(defaults.edge().secret().isEmpty());
        assertEquals("127.0.0.1:40123", defaults.transport().ingress());

        final Map<String, String> env = Map.of("FLASHGATE_HTTP_PORT", "9000", "FLASHGATE_DATA_DIR", "/tmp/x",
            "FLASHGATE_TOKEN_SECRET", "from-env");
        final FlashgateConfig fromEnv = load(env);
        assertEquals(9000, fromEnv.edge().httpPort());
        assertEquals(Path.of("/tmp/x"), fromEnv.engine().dataDir());
        assertEquals("from-env", fromEnv.edge().tokenSecret());

        final FlashgateConfig flags = load(env, "http-port", "9100", "data-dir", "/tmp/y", "token-secret", "from-flag");
        assertEquals(9100, flags.edge().httpPort());
        assertEquals(Path.of("/tmp/y"), flags.engine().dataDir());
        assertEquals("from-flag", flags.edge().tokenSecret());
    }

    @Test
    void badSettingsAreUsageErrorsWithExitCode2()
    {
        assertThrows(ConfigException.class, () -> load(Map.of(), "http-port", "x"));
        assertThrows(ConfigException.class, () -> load(Map.of(), "http-port", "70000"));
        assertThrows(ConfigException.class, () -> load(Map.of(), "ingress", "nohost"));
        assertEquals(2, launch("run", "--bogus"));
        assertEquals(2, launch("run", "--data-dir"));
        assertEquals(2, launch("run", "--http-port", "-1"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("edge.httpPort: must be 1..65535"), err.toString());
        assertEquals(2, launch("fly"));
        assertEquals(2, launch());
        assertEquals(0, launch("help"));
    }

    @Test
    void helpListsEverySettingWithItsDefaultVariableAndFlag()
    {
        assertEquals(0, launch("help"));
        final String help = out.toString(StandardCharsets.UTF_8);
        for (final Setting setting : Settings.ALL_SETTINGS)
        {
            assertTrue(help.lines().anyMatch(line -> line.contains(setting.key()) && line.contains(setting.env()) &&
                line.contains("--" + setting.flag()) && line.contains(setting.defaultText())), setting.key());
        }
    }

    @Test
    void withoutASecretOneIsMadeKeptOwnerOnlyAndReused() throws Exception
    {
        final Path data = dir.resolve("data");
        assertEquals(0, launch("token", "--user", "alice", "--data-dir", data.toString()));
        final Path kept = data.resolve(TokenSecret.FILE_NAME);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(kept)));
        final String secret = Files.readString(kept).trim();
        assertTrue(secret.length() >= 32);

        final String token = out.toString(StandardCharsets.UTF_8).trim();
        final Tokens.Principal alice = new Tokens(secret).verify("Bearer " + token);
        assertEquals("alice", alice.userId());
        assertFalse(alice.admin());

        out.reset();
        assertEquals(0, launch("token", "--user", "ops", "--admin", "--ttl", "60", "--data-dir", data.toString()));
        assertEquals(secret, Files.readString(kept).trim(), "the kept secret is reused, not replaced");
        assertTrue(new Tokens(secret).verify("Bearer " + out.toString(StandardCharsets.UTF_8).trim()).admin());
    }

    @Test
    void tokenNeedsAValidUser()
    {
        assertEquals(2, launch("token", "--data-dir", dir.toString()));
        assertEquals(2, launch("token", "--user", "not valid!", "--data-dir", dir.toString()));
    }
}
