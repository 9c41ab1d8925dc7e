package io.flashgate.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A small HTTP/1.1 load client: a fixed number of keep-alive connections served by one selector thread, one
 * request in flight per connection (no pipelining), requests queued in arrival order when every connection is
 * busy — wrk2's model, so the generator, not the client, decides when a request is due. Connections open when
 * the client is made, before anything is measured. Handles Content-Length
 * and chunked responses; a connection that fails is reopened and its request completes with status -1.
 */
final class NioHttpClient implements AutoCloseable
{
    @FunctionalInterface
    interface Callback
    {
        /** @param status the HTTP status, or -1 when the connection failed. */
        void done(int status, byte[] body);
    }

    private record Request(byte[] bytes, Callback callback)
    {
    }

    private final InetSocketAddress address;
    private final Selector selector;
    private final ConcurrentLinkedQueue<Request> queue = new ConcurrentLinkedQueue<>();
    private final ArrayDeque<Connection> idle = new ArrayDeque<>();
    private final AtomicBoolean sleeping = new AtomicBoolean();
    private final Thread thread;
    private volatile boolean running = true;

    NioHttpClient(final String host, final int port, final int connections) throws IOException
    {
        this.address = new InetSocketAddress(host, port);
        this.selector = Selector.open();
        for (int i = 0; i < connections; i++)
        {
            // Connected now, not at the first request: connection set-up (and a SYN retried after 1 s when the
            // server's accept queue overflows) must not land in a measured phase.
            final Connection connection = new Connection();
            connection.open();
            idle.add(connection);
        }
        this.thread = new Thread(this::loop, "flashgate-bench-http-" + port);
        thread.setDaemon(true);
        thread.start();
    }

    /** Queues a request (whole bytes: request line, headers, body); the callback runs on the client thread. */
    void send(final byte[] request, final Callback callback)
    {
        queue.add(new Request(request, callback));
        if (sleeping.get())
        {
            selector.wakeup();
        }
    }

    private void loop()
    {
        try
        {
            while (running)
            {
                dispatch();
                sleeping.set(true);
                if (queue.isEmpty() || idle.isEmpty())
                {
                    selector.select(100);
                }
                else
                {
                    selector.selectNow();
                }
                sleeping.set(false);
                final Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext())
                {
                    final SelectionKey key = keys.next();
                    keys.remove();
                    final Connection connection = (Connection)key.attachment();
                    try
                    {
                        if (key.isValid() && key.isWritable())
                        {
                            connection.write();
                        }
                        if (key.isValid() && key.isReadable())
                        {
                            connection.read();
                        }
                    }
                    catch (final IOException ex)
                    {
                        connection.fail();
                    }
                }
            }
        }
        catch (final IOException ex)
        {
            ex.printStackTrace();
        }
    }

    private void dispatch()
    {
        while (!idle.isEmpty())
        {
            final Request request = queue.poll();
            if (request == null)
            {
                return;
            }
            final Connection connection = idle.poll();
            try
            {
                connection.start(request);
            }
            catch (final IOException ex)
            {
                connection.fail();
            }
        }
    }

    @Override
    public void close()
    {
        running = false;
        selector.wakeup();
        try
        {
            thread.join(5_000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        for (final SelectionKey key : selector.keys())
        {
            try
            {
                key.channel().close();
            }
            catch (final IOException ex)
            {
                // closing anyway
            }
        }
        try
        {
            selector.close();
        }
        catch (final IOException ex)
        {
            // closing anyway
        }
        Request left;
        while ((left = queue.poll()) != null)
        {
            left.callback.done(-1, new byte[0]);
        }
    }

    private final class Connection
    {
        private SocketChannel channel;
        private SelectionKey key;
        private ByteBuffer out;
        private byte[] in = new byte[16 * 1024];
        private int inLength;
        private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(64 * 1024);
        private Request current;

        private void open() throws IOException
        {
            channel = SocketChannel.open();
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.connect(address);
            channel.configureBlocking(false);
            key = channel.register(selector, SelectionKey.OP_READ, this);
        }

        void start(final Request request) throws IOException
        {
            if (channel == null)
            {
                open();
            }
            current = request;
            inLength = 0;
            out = ByteBuffer.wrap(request.bytes);
            write();
        }

        void write() throws IOException
        {
            channel.write(out);
            key.interestOps(out.hasRemaining() ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
        }

        void read() throws IOException
        {
            while (true)
            {
                readBuffer.clear();
                final int n = channel.read(readBuffer);
                if (n < 0)
                {
                    throw new IOException("closed by the server");
                }
                if (n == 0)
                {
                    return;
                }
                readBuffer.flip();
                if (inLength + n > in.length)
                {
                    in = Arrays.copyOf(in, Math.max(in.length * 2, inLength + n));
                }
                readBuffer.get(in, inLength, n);
                inLength += n;
                if (current != null && tryComplete())
                {
                    return;
                }
            }
        }

        /** True when a whole response is in: completes the request and makes the connection idle. */
        private boolean tryComplete()
        {
            final int headerEnd = indexOf(in, inLength, 0, CRLFCRLF);
            if (headerEnd < 0)
            {
                return false;
            }
            final int bodyStart = headerEnd + 4;
            final String headers = new String(in, 0, headerEnd, StandardCharsets.ISO_8859_1);
            final int status = Integer.parseInt(headers.substring(9, 12));
            final String lower = headers.toLowerCase(java.util.Locale.ROOT);
            final byte[] body;
            final int end;
            final int lengthAt = lower.indexOf("\r\ncontent-length:");
            if (lengthAt >= 0)
            {
                final int eol = lower.indexOf("\r\n", lengthAt + 2);
                final int length = Integer.parseInt(lower.substring(lengthAt + 17, eol < 0 ? lower.length() : eol).trim());
                if (inLength < bodyStart + length)
                {
                    return false;
                }
                body = Arrays.copyOfRange(in, bodyStart, bodyStart + length);
                end = bodyStart + length;
            }
            else if (lower.contains("\r\ntransfer-encoding: chunked"))
            {
                final java.io.ByteArrayOutputStream chunks = new java.io.ByteArrayOutputStream();
                int at = bodyStart;
                while (true)
                {
                    final int lineEnd = indexOf(in, inLength, at, CRLF);
                    if (lineEnd < 0)
                    {
                        return false;
                    }
                    String size = new String(in, at, lineEnd - at, StandardCharsets.ISO_8859_1);
                    final int semicolon = size.indexOf(';');
                    size = (semicolon >= 0 ? size.substring(0, semicolon) : size).trim();
                    final int chunk = Integer.parseInt(size, 16);
                    if (chunk == 0)
                    {
                        final int trailerEnd = indexOf(in, inLength, lineEnd, CRLFCRLF);
                        if (trailerEnd < 0)
                        {
                            return false;
                        }
                        end = trailerEnd + 4;
                        break;
                    }
                    if (inLength < lineEnd + 2 + chunk + 2)
                    {
                        return false;
                    }
                    chunks.write(in, lineEnd + 2, chunk);
                    at = lineEnd + 2 + chunk + 2;
                }
                body = chunks.toByteArray();
            }
            else
            {
                body = new byte[0]; // no body (204 / 304)
                end = bodyStart;
            }
            final Request done = current;
            current = null;
            System.arraycopy(in, end, in, 0, inLength - end);
            inLength -= end;
            idle.add(this);
            done.callback.done(status, body);
            final boolean close = lower.contains("\r\nconnection: close");
            if (close)
            {
                closeChannel();
            }
            return true;
        }

        void fail()
        {
            closeChannel();
            final Request failed = current;
            current = null;
            inLength = 0;
            if (failed != null)
            {
                idle.add(this);
                failed.callback.done(-1, new byte[0]);
            }
            else if (!idle.contains(this))
            {
                idle.add(this);
            }
        }

        private void closeChannel()
        {
            if (channel != null)
            {
                try
                {
                    channel.close();
                }
                catch (final IOException ex)
                {
                    // reopened on the next request
                }
                channel = null;
                key = null;
            }
        }
    }

    private static final byte[] CRLFCRLF = {'\r', '\n', '\r', '\n'};
    private static final byte[] CRLF = {'\r', '\n'};

    static int indexOf(final byte[] data, final int length, final int from, final byte[] pattern)
    {
        outer:
        for (int i = from; i <= length - pattern.length; i++)
        {
            for (int j = 0; j < pattern.length; j++)
            {
                if (data[i + j] != pattern[j])
                {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
