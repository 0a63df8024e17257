#!/bin/sh
# A deliberately small SRE "agent" made of kubectl and a shell script, for `sre-eval run --agent`:
# it lists the pods of the namespace, describes the first unhealthy one, reads its last log lines
# and prints a one-paragraph diagnosis on stdout (the answer the eval scores). No model: it is weak
# on purpose, a floor to compare real agents with.
#
# Reads: KUBECONFIG (kubectl reads it), SRE_NAMESPACE (default: the kubeconfig context's namespace).
# The task (SRE_TASK, and on stdin) is ignored: it does the same thing for every task.
# SRE_AGENT_FIX=1: also double the memory limit of a deployment whose container was OOMKilled.
set -eu

ns="${SRE_NAMESPACE:-}"
if [ -z "$ns" ]; then
  ns=$(kubectl config view --minify -o jsonpath='{..namespace}' 2>/dev/null || true)
  ns="${ns:-default}"
fi
k() { kubectl --namespace "$ns" "$@"; }

pods=$(k get pods --no-headers 2>/dev/null || true)
if [ -z "$pods" ]; then
  echo "There are no pods in namespace $ns, so nothing in it is running: check whether its workloads were scaled to zero or deleted."
  exit 0
fi

# The first pod that is not Running, else the first not ready, else the first that restarted.
pick=$(printf '%s\n' "$pods" | awk '
  { split($2, r, "/"); st = $3; n = $4 + 0 }
  st != "Running" && st != "Completed" && bad == "" { bad = $1 }
  r[1] != r[2] && st != "Completed" && notready == "" { notready = $1 }
  n > 0 && restarted == "" { restarted = $1 }
  END { if (bad != "") print bad; else if (notready != "") print notready; else if (restarted != "") print restarted }')
if [ -z "$pick" ]; then
  count=$(printf '%s\n' "$pods" | wc -l | tr -d ' ')
  echo "All $count pods in namespace $ns are Running and ready without restarts; I found nothing unhealthy at the pod level."
  exit 0
fi
line=$(printf '%s\n' "$pods" | awk -v p="$pick" '$1 == p')
status=$(printf '%s\n' "$line" | awk '{ print $3 }')
ready=$(printf '%s\n' "$line" | awk '{ print $2 }')
restarts=$(printf '%s\n' "$line" | awk '{ print $4 }')

desc=$(k describe pod "$pick" 2>/dev/null || true)
# Per container: the current waiting reason, the last termination reason and exit code, the memory limit.
facts=$(printf '%s\n' "$desc" | awk '
  /^Containers:/ { in_c = 1; next }
  /^[A-Z]/ { in_c = 0 }
  in_c && /^  [^ ][^:]*:$/ { c = $1; sub(/:$/, "", c); sec = ""; lim = 0; next }
  in_c && /^    State:/ { sec = "state"; next }
  in_c && /^    Last State:/ { sec = "last"; next }
  in_c && /^    Limits:/ { lim = 1; next }
  in_c && /^    Requests:/ { lim = 0; next }
  in_c && /^    [A-Z]/ { sec = "" }
  in_c && lim && $1 == "memory:" { print c, "limit", $2 }
  in_c && sec == "state" && $1 == "Reason:" { print c, "waiting", $2 }
  in_c && sec == "last" && $1 == "Reason:" { print c, "last", $2 }
  in_c && sec == "last" && $1 == "Exit" { print c, "exit", $3 }')
fact() { printf '%s\n' "$facts" | awk -v w="$1" '$2 == w { print $1, $3; exit }'; }
waiting=$(fact waiting)
last=$(fact last)
container=$(printf '%s\n' "$last" | awk '{ print $1 }')
lastReason=$(printf '%s\n' "$last" | awk '{ print $2 }')
exitCode=$(printf '%s\n' "$facts" | awk -v c="$container" '$1 == c && $2 == "exit" { print $3; exit }')
limit=$(printf '%s\n' "$facts" | awk -v c="$container" '$1 == c && $2 == "limit" { print $3; exit }')
owner=$(printf '%s\n' "$desc" | awk '/^Controlled By:/ { print $3; exit }')
deployment=""
case "$owner" in ReplicaSet/*) rs=${owner#ReplicaSet/}; deployment=${rs%-*} ;; esac
warnings=$(printf '%s\n' "$desc" | sed -n '/^Events:/,$p' | awk '$1 == "Warning" { $1 = ""; sub(/^ +/, ""); print }' | tail -n 2 | tr '\n' ';' | sed 's/;$//; s/;/; /g')
logs=$(k logs "$pick" --all-containers --previous --tail=3 2>/dev/null || k logs "$pick" --all-containers --tail=3 2>/dev/null || true)
lastLog=$(printf '%s\n' "$logs" | awk 'NF { l = $0 } END { print l }')

text="Pod $pick in namespace $ns is $status (ready $ready, $restarts restarts)."
if [ "$lastReason" = "OOMKilled" ]; then
  text="$text Its container $container was last terminated with reason OOMKilled (exit code ${exitCode:-137}): it ran out of memory and was killed at its memory limit${limit:+ of $limit}, so the likely root cause is that the memory limit${deployment:+ of deployment $deployment} is too small for what the process uses; raise the memory limit or make the process use less memory."
elif [ -n "$waiting" ]; then
  text="$text Its container $(printf '%s' "$waiting" | awk '{ print $1 }') is waiting with reason $(printf '%s' "$waiting" | awk '{ print $2 }')${lastReason:+ and last terminated with reason $lastReason (exit code ${exitCode:-unknown})}."
elif [ -n "$lastReason" ]; then
  text="$text Its container $container last terminated with reason $lastReason (exit code ${exitCode:-unknown})."
fi
[ -n "$warnings" ] && text="$text Recent warning events: $warnings."
[ -n "$lastLog" ] && text="$text Its last log line reads: $lastLog"

if [ "${SRE_AGENT_FIX:-}" = "1" ] && [ "$lastReason" = "OOMKilled" ] && [ -n "$deployment" ] && [ -n "$limit" ]; then
  case "$limit" in
    *Mi) number=${limit%Mi} unit=Mi ;;
    *Gi) number=${limit%Gi} unit=Gi ;;
    *) number="" unit="" ;;
  esac
  case "$number" in '' | *[!0-9]*) number="" ;; esac
  if [ -n "$number" ]; then
    doubled="$((number * 2))$unit"
    if k set resources "deployment/$deployment" -c "$container" --limits="memory=$doubled" >/dev/null 2>&1; then
      text="$text I raised the memory limit of $container in deployment $deployment from $limit to $doubled."
    else
      text="$text Raising the memory limit of deployment $deployment to $doubled was refused."
    fi
  fi
fi
printf '%s\n' "$text"
