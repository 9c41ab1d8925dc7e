package io.flashgate.ops;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every relative link in the project's documentation (README.md, docs/*.md, ops/RUNBOOK.md, benchmarks/README.md)
 * leads somewhere: the file or folder exists, and a {@code #anchor} names a heading of the target as GitHub renders
 * it. Links with a scheme (https:, mailto:) are not followed. Text in code blocks and code spans is not a link.
 */
class DocsLinksTest
{
    private static final Path ROOT = Path.of("..");
    private static final Pattern FENCE = Pattern.compile("^\\s*(```|~~~)");
    private static final Pattern CODE_SPAN = Pattern.compile("`+[^`]*`+");
    private static final Pattern INLINE_LINK = Pattern.compile("!?\\[[^\\]]*\\]\\(\\s*<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
    private static final Pattern REFERENCE_DEFINITION = Pattern.compile("^\\s{0,3}\\[[^\\]]+\\]:\\s*<?(\\S+?)>?(?:\\s.*)?$");
    private static final Pattern HTML_TARGET = Pattern.compile("<(?:img|a)\\s[^>]*?(?:src|href)=\"([^\"]+)\"");
    private static final Pattern HTML_ANCHOR = Pattern.compile("<a\\s[^>]*?(?:name|id)=\"([^\"]+)\"");
    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:");

    @TempDir
    Path dir;

    @Test
    void everyRelativeLinkAndAnchorInTheDocumentationResolves() throws IOException
    {
        final List<Path> documents = new ArrayList<>();
        documents.add(ROOT.resolve("README.md"));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs")))
        {
            docs.filter(file -> file.toString().endsWith(".md")).sorted().forEach(documents::add);
        }
        documents.add(ROOT.resolve("ops").resolve("RUNBOOK.md"));
        final Path benchmarks = ROOT.resolve("benchmarks").resolve("README.md");
        if (Files.exists(benchmarks))
        {
            documents.add(benchmarks);
        }
        assertEquals(List.of(), brokenLinks(documents), "broken links in the documentation");
    }

    @Test
    void aMissingFileOrHeadingIsReportedAndCodeIsNot() throws IOException
    {
        Files.createDirectories(dir.resolve("docs"));
        Files.writeString(dir.resolve("docs").resolve("GUIDE.md"), String.join("\n",
            "# Guide",
            "## Hot standby, 2026-12-02",
            "## Engine process (`ops/flashgate engine` / `standby`)",
            "```sh",
            "# not a heading: a comment in a code block",
            "```",
            ""));
        final Path readme = dir.resolve("README.md");
        Files.writeString(readme, String.join("\n",
            "[guide](docs/GUIDE.md) [section](docs/GUIDE.md#hot-standby-2026-12-02)",
            "[process](docs/GUIDE.md#engine-process-opsflashgate-engine--standby) [top](#readme-title)",
            "# Readme title",
            "[gone](docs/GONE.md) and [no such heading](docs/GUIDE.md#hot-standby)",
            "[a comment is not a heading](docs/GUIDE.md#not-a-heading-a-comment-in-a-code-block)",
            "<img src=\"docs/missing.png\" alt=\"x\"> [web](https://example.com/x) `[code](nowhere.md)`",
            "```",
            "[in a code block](nowhere.md)",
            "```",
            "[ref]: docs/ALSO-GONE.md",
            ""));
        final List<String> broken = brokenLinks(List.of(readme));
        assertEquals(List.of(
            readme + ":4: docs/GONE.md (no such file)",
            readme + ":4: docs/GUIDE.md#hot-standby (no such heading)",
            readme + ":5: docs/GUIDE.md#not-a-heading-a-comment-in-a-code-block (no such heading)",
            readme + ":6: docs/missing.png (no such file)",
            readme + ":10: docs/ALSO-GONE.md (no such file)"), broken);
    }

    /** "file:line: target (why)" for every relative link in {@code documents} that leads nowhere. */
    static List<String> brokenLinks(final List<Path> documents) throws IOException
    {
        final Map<Path, Set<String>> anchorsByFile = new HashMap<>();
        final List<String> broken = new ArrayList<>();
        for (final Path document : documents)
        {
            final List<String> lines = Files.readAllLines(document);
            boolean inCode = false;
            for (int i = 0; i < lines.size(); i++)
            {
                final String line = lines.get(i);
                if (FENCE.matcher(line).find())
                {
                    inCode = !inCode;
                    continue;
                }
                if (inCode)
                {
                    continue;
                }
                final String text = CODE_SPAN.matcher(line).replaceAll("");
                for (final String target : targets(text))
                {
                    final String why = whyBroken(document, target, anchorsByFile);
                    if (why != null)
                    {
                        broken.add(document + ":" + (i + 1) + ": " + target + " (" + why + ")");
                    }
                }
            }
        }
        return broken;
    }

    private static List<String> targets(final String text)
    {
        final List<String> targets = new ArrayList<>();
        for (final Pattern pattern : List.of(INLINE_LINK, REFERENCE_DEFINITION, HTML_TARGET))
        {
            final Matcher m = pattern.matcher(text);
            while (m.find())
            {
                targets.add(m.group(1));
            }
        }
        return targets;
    }

    /** Null when {@code target}, written in {@code document}, resolves. */
    private static String whyBroken(final Path document, final String target, final Map<Path, Set<String>> anchors)
        throws IOException
    {
        if (SCHEME.matcher(target).find())
        {
            return null;
        }
        final int hash = target.indexOf('#');
        final String path = hash < 0 ? target : target.substring(0, hash);
        final String anchor = hash < 0 ? null : target.substring(hash + 1);
        final Path file = path.isEmpty() ? document : document.getParent().resolve(path).normalize();
        if (!Files.exists(file))
        {
            return "no such file";
        }
        if (anchor == null || anchor.isEmpty())
        {
            return null;
        }
        if (!file.toString().endsWith(".md"))
        {
            return "an anchor into a file that is not markdown";
        }
        final Set<String> known = anchors.computeIfAbsent(file.toAbsolutePath().normalize(), DocsLinksTest::anchorsOf);
        return known.contains(anchor) ? null : "no such heading";
    }

    /** The anchors GitHub gives a markdown file: one per heading (outside code blocks), and explicit HTML ones. */
    private static Set<String> anchorsOf(final Path file)
    {
        final List<String> lines;
        try
        {
            lines = Files.readAllLines(file);
        }
        catch (final IOException ex)
        {
            throw new java.io.UncheckedIOException(ex);
        }
        final Set<String> anchors = new LinkedHashSet<>();
        final Map<String, Integer> seen = new HashMap<>();
        boolean inCode = false;
        for (final String line : lines)
        {
            if (FENCE.matcher(line).find())
            {
                inCode = !inCode;
                continue;
            }
            if (inCode)
            {
                continue;
            }
            final Matcher explicit = HTML_ANCHOR.matcher(line);
            while (explicit.find())
            {
                anchors.add(explicit.group(1));
            }
            final Matcher heading = HEADING.matcher(line);
            if (heading.matches())
            {
                final String slug = slug(heading.group(1));
                final int times = seen.merge(slug, 1, Integer::sum);
                anchors.add(times == 1 ? slug : slug + "-" + (times - 1));
            }
        }
        return anchors;
    }

    /**
     * GitHub's heading anchor: the heading's text (a link's text, not its target), lower case, without punctuation
     * other than hyphens and underscores, each space a hyphen (so " / " becomes "--").
     */
    static String slug(final String heading)
    {
        final String text = heading.replaceAll("!?\\[([^\\]]*)\\]\\([^)]*\\)", "$1");
        return text.toLowerCase(Locale.ROOT)
            .replaceAll("[^\\p{L}\\p{M}\\p{N}\\p{Pc} -]", "")
            .replace(' ', '-');
    }
}
