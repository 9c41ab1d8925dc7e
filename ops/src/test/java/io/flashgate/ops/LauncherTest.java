package io.flashgate.ops;

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
import static org.junit.jupiter.api.Assertions.assertNull;
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
        return Launcher.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void defaultsThenEnvironmentThenFlags()
    {
        final LaunchOptions defaults = LaunchOptions.parse(List.of(), key -> null);
        assertEquals(8080, defaults.httpPort());
        assertEquals(Path.of("data"), defaults.dataDir());
        assertNull(defaults.tokenSecret());
        assertEquals("127.0.0.1:40123", defaults.ingressEndpoint());

        final Map<String, String> env = Map.of("FLASHGATE_HTTP_PORT", "9000", "FLASHGATE_DATA_DIR", "/tmp/x",
            "FLASHGATE_TOKEN_SECRET", "from-env");
        final LaunchOptions fromEnv = LaunchOptions.parse(List.of(), env::get);
        assertEquals(9000, fromEnv.httpPort());
        assertEquals(Path.of("/tmp/x"), fromEnv.dataDir());
        assertEquals("from-env", fromEnv.tokenSecret());

        final LaunchOptions flags = LaunchOptions.parse(
            List.of("--http-port", "9100", "--data-dir=/tmp/y", "--token-secret", "from-flag"), env::get);
        assertEquals(9100, flags.httpPort());
        assertEquals(Path.of("/tmp/y"), flags.dataDir());
        assertEquals("from-flag", flags.tokenSecret());
    }

    @Test
    void badSettingsAreUsageErrorsWithExitCode2()
    {
        assertThrows(LaunchOptions.UsageException.class, () -> LaunchOptions.parse(List.of("--http-port", "x"), k -> null));
        assertThrows(LaunchOptions.UsageException.class, () -> LaunchOptions.parse(List.of("--http-port", "70000"), k -> null));
        assertThrows(LaunchOptions.UsageException.class, () -> LaunchOptions.parse(List.of("--ingress", "nohost"), k -> null));
        assertThrows(LaunchOptions.UsageException.class, () -> LaunchOptions.parse(List.of("--bogus"), k -> null));
        assertThrows(LaunchOptions.UsageException.class, () -> LaunchOptions.parse(List.of("--data-dir"), k -> null));
        assertEquals(2, launch("run", "--http-port", "-1"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("port out of range"));
        assertEquals(2, launch("fly"));
        assertEquals(2, launch());
        assertEquals(0, launch("help"));
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
