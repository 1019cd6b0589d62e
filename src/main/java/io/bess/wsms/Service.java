package io.bess.wsms;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import io.bess.wsms.auth.Authenticator;
import io.bess.wsms.auth.ExpiryTimer;
import io.bess.wsms.config.Settings;
import io.bess.wsms.hub.ClientSession;
import io.bess.wsms.hub.FrameEncoder;
import io.bess.wsms.hub.Hub;
import io.bess.wsms.hub.KeepaliveTicker;
import io.bess.wsms.hub.LatestStates;
import io.bess.wsms.hub.RateWheel;
import io.bess.wsms.hub.SlowClientReaper;
import io.bess.wsms.hub.Snapshots;
import io.bess.wsms.hub.StaleWatch;
import io.bess.wsms.logging.SecretRedaction;
import io.bess.wsms.observe.LivenessCheck;
import io.bess.wsms.observe.RedisHealthCheck;
import io.bess.wsms.observe.ServiceMetrics;
import io.bess.wsms.redis.EmbeddedRedis;
import io.bess.wsms.redis.FleetWatcher;
import io.bess.wsms.redis.RedisConnector;
import io.bess.wsms.redis.RedisStatus;
import io.bess.wsms.redis.RedisStore;
import io.bess.wsms.redis.RedisTelemetryWriter;
import io.bess.wsms.redis.Subscriptions;
import io.bess.wsms.redis.UpdateRelay;
import io.bess.wsms.timer.Housekeeping;
import io.bess.wsms.sim.BatterySimulator;
import io.bess.wsms.web.BatteryApi;
import io.bess.wsms.web.GatedWsUpgrader;
import io.bess.wsms.web.DashboardConfig;
import io.bess.wsms.web.JsonErrorHandler;
import io.bess.wsms.web.SocketGuard;
import io.bess.wsms.web.SseRoutes;
import io.bess.wsms.web.UpgradeGate;
import io.bess.wsms.web.WebSocketRoutes;
import io.helidon.config.Config;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.health.HealthObserver;
import io.helidon.webserver.observe.metrics.MetricsObserver;
import io.helidon.webserver.staticcontent.ClasspathHandlerConfig;
import io.helidon.webserver.staticcontent.StaticContentFeature;
import io.helidon.webserver.websocket.WsConfig;

/**
 * The running service: every component, started in dependency order and stopped in reverse. Tests start it the
 * same way {@link Main} does. A start that fails part way releases everything started before the failure (the
 * embedded Redis, the pool, the subscribers, the timers) before the failure goes up.
 */
public final class Service implements AutoCloseable {
    private static final System.Logger LOGGER = System.getLogger(Service.class.getName());
    /** How long clients get to receive their close frame (1001) before the server stops. */
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(2);
    /** Longest HTTP request line accepted (Helidon's default is 2 KiB). */
    private static final int MAX_REQUEST_LINE = 32 * 1024;

    private final Deque<AutoCloseable> stopOrder = new ArrayDeque<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    // set once while starting, read by close() on the thread that stops the service (the shutdown hook): volatile
    /** The settings in force: the embedded Redis's address replaces an empty REDIS_HOST. */
    private volatile Settings settings;
    private volatile Hub hub;
    private volatile Subscriptions subscriptions;
    private volatile UpgradeGate gate;
    private volatile WebServer server;
    private volatile boolean started;
    private volatile SocketGuard guard;

    private Service() {
    }

    /**
     * Starts Redis (embedded, when no host is set), the simulator (when it runs) and the server.
     *
     * @param settings     validated settings
     * @param serverConfig the {@code server} config node, for Helidon's own listener settings
     * @return the running service
     * @throws StartupException when the server cannot listen; other failures as thrown by the component that failed
     */
    public static Service start(Settings settings, Config serverConfig) {
        Service service = new Service();
        try {
            service.run(settings, serverConfig);
            return service;
        } catch (RuntimeException e) {
            service.close();
            throw e;
        }
    }

    private void run(Settings requested, Config serverConfig) {
        settings = requested;
        // before anything starts: a taken port is the commonest failed start, and Helidon would report it with a
        // stack trace after the Redis side had started
        whyNotListening().ifPresent(why -> {
            throw cannotListen(why);
        });
        if (requested.redis().embedded()) {
            EmbeddedRedis embedded = EmbeddedRedis.start();
            stopOrder.push(embedded);
            settings = requested.withRedis(requested.redis().at(embedded.host(), embedded.port()));
            LOGGER.log(Level.INFO, "No REDIS_HOST given: started an embedded Redis at " + embedded.host() + ":"
                    + embedded.port());
        }
        ServiceMetrics metrics = new ServiceMetrics();
        stopOrder.push(metrics);
        Housekeeping housekeeping = new Housekeeping(metrics);
        stopOrder.push(housekeeping);
        RedisStatus redisStatus = new RedisStatus();
        RedisConnector connector = new RedisConnector(settings.redis());
        stopOrder.push(connector);
        RedisStore store = new RedisStore(connector, redisStatus, metrics);
        // a pass that reads Redis may wait for a pooled connection and its command, twice (the one retry)
        Duration redisWait = settings.redis().timeout().multipliedBy(4);
        subscriptions = new Subscriptions(connector, redisStatus, settings.redis().subscriberConnections(),
                                          settings.redis().subscriberPingInterval(), store::answers, housekeeping);
        stopOrder.push(subscriptions);
        LatestStates latest = new LatestStates();
        hub = new Hub(subscriptions, latest);
        FrameEncoder encoder = new FrameEncoder(settings.battery().staleAfter());
        StaleWatch staleWatch = new StaleWatch(hub, latest, store, encoder, redisWait, housekeeping);
        metrics.watch(new ServiceMetrics.Gauges(subscriptions::size, subscriptions::connected,
                                                subscriptions::reconnects, staleWatch::staleCount,
                                                subscriptions::owed));
        Snapshots snapshots = new Snapshots(latest, store, encoder, metrics);

        subscriptions.deliverTo(new UpdateRelay(store, encoder, hub, metrics), latest);
        redisStatus.onResync(hub::resyncAll);
        FleetWatcher watcher = new FleetWatcher(store, hub, settings.ws().batteryPollInterval(), redisWait,
                                                housekeeping);
        watcher.start();
        stopOrder.push(watcher::stop);
        hub.onUnknownWanted(watcher::pollSoon);
        SlowClientReaper reaper = new SlowClientReaper(hub, settings.ws().slowClientTimeout(), housekeeping);
        reaper.start();
        stopOrder.push(reaper::stop);
        KeepaliveTicker keepalive = new KeepaliveTicker(hub, settings.ws().pingInterval(), housekeeping);
        keepalive.start();
        stopOrder.push(keepalive::stop);
        staleWatch.start();
        stopOrder.push(staleWatch::stop);
        RateWheel wheel = new RateWheel(housekeeping);
        stopOrder.push(wheel::stop);

        // demo mode: made-up data (the embedded Redis, which a deployment gets by forgetting REDIS_HOST, or the
        // simulator) must never pass for a real fleet
        boolean embeddedRedis = requested.redis().embedded();
        boolean demo = embeddedRedis || settings.simulator().runs(embeddedRedis);
        if (demo) {
            LOGGER.log(Level.WARNING, "Demo mode: " + (embeddedRedis ? "no REDIS_HOST given, the service runs its own"
                    + " embedded Redis" : "the simulator writes to Redis") + " and serves simulated battery data."
                    + " Set REDIS_HOST (and SIMULATOR=off) to serve a real fleet.");
        }
        metrics.flag("demo.mode", "1 when the service serves simulated data (embedded Redis or the simulator)",
                     () -> demo);
        Authenticator authenticator = Authenticator.create(settings.ws().token(), settings.jwt());
        stopOrder.push(authenticator);
        metrics.flag("auth.available", "1 when tokens can be checked (0 while the identity provider's keys are"
                + " not known yet)", authenticator::available);
        ExpiryTimer expiry = new ExpiryTimer();
        stopOrder.push(expiry);
        gate = new UpgradeGate(settings.ws(), hub::size, redisStatus::isUp, metrics, authenticator);
        stopOrder.push(SecretRedaction.install(SecretRedaction.HELIDON_REQUEST_LOGGERS));
        guard = new SocketGuard(settings.server(), settings.ws(), metrics, housekeeping);
        stopOrder.push(guard);
        WsConfig websocket = WsConfig.builder()
                .name("websocket")
                .maxFrameLength(settings.ws().maxFrameBytes())
                .build();
        WebServer built = WebServer.builder()
                .config(serverConfig)
                .host(settings.server().host())
                .port(settings.server().port())
                .shutdownHook(false)
                .directHandlers(JsonErrorHandler.forAllEvents())
                // HTTP/1 and the WebSocket upgrade only through the guard's selector: as the one selector it sees
                // every connection at accept, before a byte is read. The WebSocket settings stay a listed protocol
                // (a WebSocket connection reads its frame length there), which adds no selector.
                .protocolsDiscoverServices(false)
                .addProtocol(websocket)
                .addConnectionSelector(guard.selector(
                        Http1Config.builder()
                                // room for a full selection in the query (1024 ids of up to 10 digits): longer
                                // request lines than Helidon's default 2 KiB would get a bare 414 instead of the
                                // gate's 400 with a JSON message
                                .maxPrologueLength(MAX_REQUEST_LINE)
                                // Helidon's wire log (request lines with ?token= at DEBUG, raw bytes with the
                                // Authorization header at TRACE): off both ways, so no log level shows a secret
                                .log(log -> log.receiveLog(false).sendLog(false)),
                        List.of(new GatedWsUpgrader(websocket))))
                .featuresDiscoverServices(false)
                .addFeature(ObserveFeature.just(
                        HealthObserver.builder()
                                .details(true)
                                .addCheck(new RedisHealthCheck(redisStatus::isUp, store::ping,
                                                               embeddedRedis ? () -> "embedded (demo)"
                                                                       : connector::where))
                                .addCheck(new LivenessCheck(() -> housekeeping.late(System.nanoTime()),
                                                            () -> reaper.unreaped(System.nanoTime())))
                                .build(),
                        MetricsObserver.create()))
                .routing(http -> http
                        .addFilter(gate)
                        .register("/api/batteries", new BatteryApi(snapshots, encoder))
                        .register(SseRoutes.create(hub, snapshots, metrics.transport("sse"), settings.ws(), gate,
                                                   wheel, authenticator, expiry))
                        .register(DashboardConfig.PATH, new DashboardConfig(demo, authenticator,
                                                                            settings.jwt().dashboardClientId()))
                        .register("/", StaticContentFeature.createService(ClasspathHandlerConfig.builder()
                                                                                  .location("web")
                                                                                  .welcome("index.html")
                                                                                  .build())))
                .addRouting(WebSocketRoutes.create(hub, snapshots, metrics.transport("ws"), settings.ws(), gate,
                                                   wheel, authenticator, expiry))
                .build();
        built.start();
        if (!built.isRunning()) {
            // taken since the check above, or another listener failure: Helidon logs it and returns a stopped server
            throw cannotListen(whyNotListening().orElse("the web server did not start (its log line above says"
                                                                + " why)"));
        }
        server = built;
        String tls = server.hasTls() ? "s" : "";
        String http = "http" + tls + "://" + settings.server().host() + ":" + server.port();
        LOGGER.log(Level.INFO, "WebSocket at ws" + tls + "://" + settings.server().host() + ":" + server.port()
                + "/ws, event stream at " + http + "/sse, dashboard at " + http + "/, Redis at " + connector.where());

        if (settings.simulator().runs(requested.redis().embedded())) {
            BatterySimulator simulator = new BatterySimulator(settings.simulator(), new RedisTelemetryWriter(connector));
            simulator.start();
            stopOrder.push(simulator);
        }
        started = true;
    }

    /**
     * Why the listener cannot bind its address, as the operating system says it (the port is in use, the address is
     * not this host's, the port needs privileges); empty when it can. A free port (0) always can.
     */
    private Optional<String> whyNotListening() {
        if (settings.server().port() == 0) {
            return Optional.empty();
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(settings.server().host(), settings.server().port()));
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.of(String.valueOf(e.getMessage()));
        }
    }

    private StartupException cannotListen(String why) {
        return new StartupException("Cannot listen on " + settings.server().host() + ":" + settings.server().port()
                                            + " (WS_HOST, WS_PORT): " + why + ".");
    }

    /** The port the server listens on. */
    public int port() {
        return server.port();
    }

    /** The Redis this service uses (the embedded one's place when embedded). */
    public Settings settings() {
        return settings;
    }

    /** The hub, for tests and diagnostics. */
    Hub hub() {
        return hub;
    }

    /** TCP connections a client address holds now, as the per-address limit counts them. */
    int connectionsFrom(String address) {
        return guard.connectionsFrom(address);
    }

    /** Channels subscribed now. */
    int subscribedChannels() {
        return subscriptions.size();
    }

    /**
     * Graceful stop: every client gets a close frame with 1001 (going away), stuck ones are dropped after a short
     * grace, then the server, the Redis connections and the embedded Redis stop. New upgrades are refused (503) from
     * the start. Safe to call more than once (the SIGTERM handler and the shutdown hook both call it), and on a
     * service whose start failed part way: it releases what had started.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (gate != null) {
            gate.stopAccepting();
        }
        if (hub != null) {
            closeClients();
        }
        if (server != null) {
            server.stop();
        }
        while (!stopOrder.isEmpty()) {
            try {
                stopOrder.pop().close();
            } catch (Exception e) {
                LOGGER.log(Level.WARNING, "While stopping, a component failed to stop cleanly: " + e);
            }
        }
        LOGGER.log(Level.INFO, started ? "Stopped" : "Released everything the failed start had started");
    }

    private void closeClients() {
        hub.closeAll(1001, "server shutting down");
        long deadline = System.nanoTime() + CLOSE_GRACE.toNanos();
        while (hub.size() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        hub.sessions().forEach(ClientSession::abort);
    }
}
