#!/usr/bin/env bash
# A private single-node Kafka broker (KRaft) for tests and local runs, from Maven Central jars:
# its own log folder, free ports, stopped by its PID.
#   local-kafka.sh start DIR   -> prints BOOTSTRAP=127.0.0.1:<port> once the broker is up
#   local-kafka.sh stop DIR
set -euo pipefail
cmd=${1:?start|stop}
dir=$(mkdir -p "${2:?folder}" && cd "$2" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
jars="$here/../../../target/kafka-server"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

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
  # a throwaway broker: each start formats a fresh log folder (its ports change from run to run)
  rm -rf "$dir/logs" "$dir/server.log" "$dir/stdout.log" "$dir/format.log" "$dir/bootstrap"
  mkdir -p "$dir/logs"
  cat > "$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$controller
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
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
  cp="$jars/*"
  java -cp "$cp" -Dlog4j2.configurationFile="$dir/log4j2.properties" -Dkafka.logs.dir="$dir" \
    kafka.tools.StorageTool format --standalone -t "$(python3 -c 'import uuid,base64
# a cluster id must not start with "-" (the tool would read it as an option): Kafka retries such ids too
while (cid := base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")).startswith("-"): pass
print(cid)')" \
    -c "$dir/server.properties" >"$dir/format.log" 2>&1 \
    || { echo "kafka storage format failed:" >&2; cat "$dir/format.log" >&2; exit 1; }
  nohup java -Xms256m -Xmx512m -cp "$cp" -Dlog4j2.configurationFile="$dir/log4j2.properties" -Dkafka.logs.dir="$dir" \
    kafka.Kafka "$dir/server.properties" >"$dir/stdout.log" 2>&1 &
  echo $! > "$dir/pid"
  for _ in $(seq 1 120); do
    if grep -q "Kafka Server started\|started (kafka.server.KafkaRaftServer)" "$dir/server.log" "$dir/stdout.log" 2>/dev/null; then
      echo "127.0.0.1:$port" > "$dir/bootstrap"
      echo "BOOTSTRAP=127.0.0.1:$port"; exit 0
    fi
    kill -0 "$(cat "$dir/pid")" 2>/dev/null || { echo "kafka exited; see $dir/stdout.log" >&2; tail -20 "$dir/stdout.log" >&2; exit 1; }
    sleep 0.5
  done
  echo "kafka did not start in 60 s; see $dir" >&2; exit 1
  ;;
stop)
  pid=$(cat "$dir/pid" 2>/dev/null || true)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || exit 0; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  ;;
*) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
