#!/usr/bin/env bash
# A private single-node Kafka broker (KRaft) for tests and local runs, from Maven Central jars:
# its own log folder, free ports, stopped by its PID.
#   local-kafka.sh start DIR   -> prints BOOTSTRAP=127.0.0.1:<port> once the broker is up
#   local-kafka.sh stop DIR
#   local-kafka.sh restart DIR   (LOCAL_RESTART_DOWN=seconds down, default 0) -> the same broker (log folder, topics, offsets, ports) stopped and started again
# With LOCAL_KAFKA_SECURE=1 the broker also has a SASL_SSL listener (SCRAM-SHA-512 user "ledgerbridge", a test CA's
# certificate); start then also prints SECURE_BOOTSTRAP=127.0.0.1:<port>, CA=<ca.crt> and SASL_PASSWORD_FILE=<file>.
set -euo pipefail
cmd=${1:?start|stop|restart}
dir=$(mkdir -p "${2:?folder}" && cd "$2" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
jars="$here/../../../target/kafka-server"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# runs the broker of this folder's server.properties and waits until it says it started
launch() {
  local cp="$jars/*"
  : > "$dir/server.log"
  nohup java -Xms256m -Xmx512m -cp "$cp" -Dlog4j2.configurationFile="$dir/log4j2.properties" -Dkafka.logs.dir="$dir" \
    kafka.Kafka "$dir/server.properties" >"$dir/stdout.log" 2>&1 &
  echo $! > "$dir/pid"
  for _ in $(seq 1 120); do
    if grep -q "Kafka Server started\|started (kafka.server.KafkaRaftServer)" "$dir/server.log" "$dir/stdout.log" 2>/dev/null; then
      return 0
    fi
    kill -0 "$(cat "$dir/pid")" 2>/dev/null || { echo "kafka exited; see $dir/stdout.log" >&2; tail -20 "$dir/stdout.log" >&2; exit 1; }
    sleep 0.5
  done
  echo "kafka did not start in 60 s; see $dir" >&2; exit 1
}

stop_broker() {
  pid=$(cat "$dir/pid" 2>/dev/null || true)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
  fi
}

case "$cmd" in
start)
  if [ ! -d "$jars" ] || [ -z "$(ls "$jars"/kafka_2.13-*.jar 2>/dev/null)" ]; then
    mvn -B -q -f "$here/kafka/pom.xml" dependency:copy-dependencies -DoutputDirectory="$jars" >&2
  fi
  if [ -s "$dir/pid" ] && kill -0 "$(cat "$dir/pid")" 2>/dev/null && [ -s "$dir/bootstrap" ]; then
    echo "BOOTSTRAP=$(cat "$dir/bootstrap")"; exit 0   # already running: say where
  fi
  port=$(free_port); controller=$(free_port)
  while [ "$controller" = "$port" ]; do controller=$(free_port); done
  listeners="PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller"
  advertised="PLAINTEXT://127.0.0.1:$port"
  protocols="CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT"
  secure_props=""; scram=()
  if [ "${LOCAL_KAFKA_SECURE:-0}" = 1 ]; then
    secure=$(free_port)
    while [ "$secure" = "$port" ] || [ "$secure" = "$controller" ]; do secure=$(free_port); done
    bash "$here/test-ca.sh" "$dir/tls"
    store_password=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
    openssl pkcs12 -export -in "$dir/tls/server.crt" -inkey "$dir/tls/server.key" -name broker \
      -out "$dir/tls/broker.p12" -passout "pass:$store_password"
    python3 -c 'import secrets; print(secrets.token_urlsafe(18), end="")' > "$dir/sasl-password"
    chmod 600 "$dir/sasl-password"
    listeners="$listeners,SASL_SSL://127.0.0.1:$secure"
    advertised="$advertised,SASL_SSL://127.0.0.1:$secure"
    protocols="$protocols,SASL_SSL:SASL_SSL"
    secure_props="inter.broker.listener.name=PLAINTEXT
sasl.enabled.mechanisms=SCRAM-SHA-512
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_ssl.ssl.keystore.location=$dir/tls/broker.p12
listener.name.sasl_ssl.ssl.keystore.password=$store_password
listener.name.sasl_ssl.ssl.keystore.type=PKCS12"
    scram=(--add-scram "SCRAM-SHA-512=[name=ledgerbridge,password=$(cat "$dir/sasl-password")]")
  fi
  # a throwaway broker: each start formats a fresh log folder (its ports change from run to run)
  rm -rf "$dir/logs" "$dir/server.log" "$dir/stdout.log" "$dir/format.log" "$dir/bootstrap"
  mkdir -p "$dir/logs"
  cat > "$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$controller
listeners=$listeners
advertised.listeners=$advertised
controller.listener.names=CONTROLLER
listener.security.protocol.map=$protocols
$secure_props
log.dirs=$dir/logs
num.partitions=3
offsets.topic.replication.factor=1
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
PROPS
  cat > "$dir/log4j2.properties" <<'PROPS'
rootLogger.level=WARN
rootLogger.appenderRef.file.ref=file
appender.file.type=File
appender.file.name=file
appender.file.fileName=${sys:kafka.logs.dir}/server.log
appender.file.layout.type=PatternLayout
appender.file.layout.pattern=%d %p %c - %m%n
logger.started.name=kafka.server.KafkaRaftServer
logger.started.level=INFO
logger.broker.name=kafka.server.BrokerServer
logger.broker.level=INFO
PROPS
  java -cp "$jars/*" -Dlog4j2.configurationFile="$dir/log4j2.properties" -Dkafka.logs.dir="$dir" \
    kafka.tools.StorageTool format --standalone -t "$(python3 -c 'import uuid,base64
# a cluster id must not start with "-" (the tool would read it as an option): Kafka retries such ids too
while (cid := base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")).startswith("-"): pass
print(cid)')" \
    -c "$dir/server.properties" "${scram[@]}" >"$dir/format.log" 2>&1 \
    || { echo "kafka storage format failed:" >&2; cat "$dir/format.log" >&2; exit 1; }
  launch
  echo "127.0.0.1:$port" > "$dir/bootstrap"
  if [ -n "$secure_props" ]; then
    echo "SECURE_BOOTSTRAP=127.0.0.1:$secure"; echo "CA=$dir/tls/ca.crt"; echo "SASL_PASSWORD_FILE=$dir/sasl-password"
  fi
  echo "BOOTSTRAP=127.0.0.1:$port"
  ;;
stop)
  stop_broker
  ;;
restart)
  # the same broker (its log folder, topics, offsets and ports) stopped and started again
  stop_broker
  sleep "${LOCAL_RESTART_DOWN:-0}"   # seconds the broker stays down
  launch
  echo "BOOTSTRAP=$(cat "$dir/bootstrap")"
  ;;
*) echo "usage: $0 start|stop|restart DIR" >&2; exit 2 ;;
esac
