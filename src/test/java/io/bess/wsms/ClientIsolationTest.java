package io.bess.wsms;

import java.time.Duration;
import java.util.Map;

import io.bess.wsms.support.RawWsClient;
import io.bess.wsms.support.TestRedis;
import io.bess.wsms.support.WsTestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One client leaving, politely or by vanishing, never affects the others. (The original service dropped every
 * client's Redis subscription when one client left.)
 */
class ClientIsolationTest {
    private TestRedis redis;
    private ServiceFixture service;

    @BeforeEach
    void start() {
        redis = TestRedis.start();
        redis.write(1, TestRedis.reading(1, 100));
        // frequent pings find a vanished peer quickly: a failed write is how an abrupt drop is noticed. Not faster
        // than 2 s: a client unheard for two intervals is closed (1 s at the 500 ms this had), and a live client's
        // pong can be that late on a busy 2-core machine
        service = ServiceFixture.start(Map.of("redis.host", "127.0.0.1", "redis.port", Integer.toString(redis.port()),
                                              "ws.ping-interval", "2s"));
    }

    @AfterEach
    void stop() {
        service.close();
        redis.close();
    }

    @Test
    void clientLeavingWithCloseFrameLeavesOthersReceiving() throws Exception {
        try (WsTestClient stays = WsTestClient.connect(service.ws("batteries=1"))) {
            stays.next();
            WsTestClient leaves = WsTestClient.connect(service.ws("batteries=1"));
            leaves.next();
            leaves.close();
            await().atMost(Duration.ofSeconds(10)).until(() -> service.service().hub().size() == 1);

            redis.write(1, TestRedis.reading(2, 201));
            assertThat(stays.nextJson().getJsonObject("battery:1:data").getInt("voltage")).isEqualTo(201);
            assertThat(redis.subscribers(1)).isEqualTo(1);
        }
    }

    @Test
    void clientDyingWithoutCloseFrameLeavesOthersReceiving() throws Exception {
        try (WsTestClient stays = WsTestClient.connect(service.ws("batteries=1"))) {
            stays.next();
            RawWsClient dies = RawWsClient.connect(service.port(), "/ws?batteries=1", 0);
            assertThat(dies.status()).isEqualTo(101);
            dies.readText();
            dies.reset();

            // updates keep flowing to the survivor, and the dead one is found out and removed when written to
            for (int i = 3; i < 50 && service.service().hub().size() > 1; i++) {
                redis.write(1, TestRedis.reading(i, 300 + i));
                stays.awaitJson(j -> j.containsKey("battery:1:data"));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> service.service().hub().size() == 1);
            redis.write(1, TestRedis.reading(100, 555));
            assertThat(stays.awaitJson(j -> j.getJsonObject("battery:1:data").getInt("voltage") == 555)).isNotNull();
        }
    }

    @Test
    void aClientThatDropsItsSocketWithoutACloseFrameIsRemovedWithoutWaitingForAWrite() throws Exception {
        // no pings and no updates: nothing is written to the dead client, so no failed write can find it out
        try (ServiceFixture quiet = ServiceFixture.start(Map.of("redis.host", "127.0.0.1",
                                                                "redis.port", Integer.toString(redis.port()),
                                                                "ws.ping-interval", "1h"))) {
            RawWsClient dies = RawWsClient.connect(quiet.port(), "/ws?batteries=1", 0);
            assertThat(dies.status()).isEqualTo(101);
            dies.readText();
            assertThat(quiet.service().hub().size()).isEqualTo(1);
            dies.reset();
            await().atMost(Duration.ofSeconds(10)).until(() -> quiet.service().hub().size() == 0);
            // its channel is given up too: nobody else watches battery 1
            await().atMost(Duration.ofSeconds(10)).until(() -> redis.subscribers(1) == 0);
        }
    }

    @Test
    void channelIsUnsubscribedWhenTheLastInterestedClientLeaves() throws Exception {
        WsTestClient first = WsTestClient.connect(service.ws("batteries=1"));
        WsTestClient second = WsTestClient.connect(service.ws("batteries=1"));
        first.next();
        second.next();
        assertThat(redis.subscribers(1)).isEqualTo(1);

        first.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> service.service().hub().size() == 1);
        assertThat(redis.subscribers(1)).isEqualTo(1);

        second.abort();
        await().atMost(Duration.ofSeconds(10)).until(() -> redis.subscribers(1) == 0);
        assertThat(service.service().subscribedChannels()).isZero();
    }
}
