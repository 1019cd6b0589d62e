package io.bess.wsms.web;

import java.util.function.BiConsumer;

import io.helidon.common.GenericType;
import io.helidon.common.media.type.MediaType;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.http.spi.Sink;
import io.helidon.webserver.http.spi.SinkProvider;
import io.helidon.webserver.http.spi.SinkProviderContext;

/**
 * Makes {@link SseStream}s for {@code ServerResponse.sink(SseStream.TYPE)}: Helidon's sink SPI, found through
 * {@code META-INF/services}, is the supported way for a handler's response to reach its connection.
 */
public final class SseStreamProvider implements SinkProvider<byte[]> {
    /** Required by the service loader. */
    public SseStreamProvider() {
    }

    @Override
    public boolean supports(GenericType<? extends Sink<?>> type, ServerRequest request) {
        return SseStream.TYPE.equals(type);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <X extends Sink<byte[]>> X create(SinkProviderContext context) {
        return (X) new SseStream(context);
    }

    /** The SPI's old form, which Helidon uses only when the one above is not implemented. */
    @Override
    @SuppressWarnings("removal")
    public <X extends Sink<byte[]>> X create(ServerResponse response, BiConsumer<Object, MediaType> eventConsumer,
                                             Runnable closeRunnable) {
        throw new UnsupportedOperationException("an event stream needs its connection: create(SinkProviderContext)");
    }
}
