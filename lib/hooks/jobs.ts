"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ApiError, call } from "../api/client";
import { billingKeys, jobKeys, nodeKeys } from "../api/keys";
import { api } from "../contracts";
import { RUN_ENDED, type TCreateJobRequest, type TJobRun, type TRunStatus, type TUpdateJobRequest } from "../contracts/jobs";

// Jobs and runs: lists, one job, one run (polled while it is not over), its logs (followed
// while it runs), the queue, workers and system status; create, change, delete, pause,
// disable, resume, trigger; cancel and retry runs.

export type JobFilters = { page: number; pageSize: number; name?: string; status?: "active" | "paused" | "disabled" };
export type RunFilters = { page: number; pageSize: number; jobId?: string; status?: TRunStatus };

export const RUN_POLL_MS = 2_000;
const IDLE_POLL_MS = 10_000;
export const runOver = (r: Pick<TJobRun, "status">) => (RUN_ENDED as readonly string[]).includes(r.status);

export function useJobs(q: JobFilters) {
  return useQuery({
    queryKey: jobKeys.list(q),
    queryFn: () => call(api.listJobs, { query: q }),
    placeholderData: (prev) => prev,
    refetchInterval: IDLE_POLL_MS,
  });
}

export function useJob(id: string) {
  return useQuery({
    queryKey: jobKeys.one(id),
    queryFn: () => call(api.getJob, { params: { id } }),
    refetchInterval: (q) => (q.state.status === "error" ? false : IDLE_POLL_MS),
  });
}

export function useRuns(q: RunFilters, enabled = true) {
  return useQuery({
    queryKey: jobKeys.runs(q),
    queryFn: () => call(api.listRuns, { query: q }),
    enabled,
    placeholderData: (prev) => prev,
    // Fast while any shown run is not over.
    refetchInterval: (query) => (query.state.data?.items.some((r) => !runOver(r)) ? RUN_POLL_MS : IDLE_POLL_MS),
  });
}

export function useRun(id: string) {
  return useQuery({
    queryKey: jobKeys.run(id),
    queryFn: () => call(api.getRun, { params: { id } }),
    refetchInterval: (q) => (q.state.status === "error" ? false : q.state.data && runOver(q.state.data) ? false : RUN_POLL_MS),
  });
}

export type RunLogFile = "output" | "error";

/**
 * The last lines of a run's output, followed while it runs. Slurm runs have two files
 * (`output`, `error`), read through the cluster's login node: followed less often.
 */
export function useRunLogs(id: string, tail: number, follow: boolean, over = false, file?: RunLogFile) {
  return useQuery({
    queryKey: jobKeys.runLogs(id, tail, over, file),
    queryFn: () => call(api.runLogs, { params: { id }, query: file ? { tail, file } : { tail } }),
    placeholderData: (prev) => prev,
    // 422: the cluster has no login node to read the file through; asking again will not change that.
    refetchInterval: (q) => (!follow || isUnreadable(q.state.error) ? false : file ? SLURM_LOG_POLL_MS : RUN_POLL_MS),
  });
}

const SLURM_LOG_POLL_MS = 5_000;
const isUnreadable = (err: unknown) => err instanceof ApiError && err.status === 422;

export const runLogsDownloadUrl = (id: string, file?: RunLogFile) =>
  `/api/v1/runs/${encodeURIComponent(id)}/logs/download${file && file !== "output" ? `?file=${file}` : ""}`;

export function useQueue() {
  return useQuery({ queryKey: jobKeys.queue, queryFn: () => call(api.queue), refetchInterval: RUN_POLL_MS });
}

export function useWorkers() {
  return useQuery({ queryKey: jobKeys.workers, queryFn: () => call(api.listWorkers), refetchInterval: IDLE_POLL_MS });
}

export function useSystemStatus(enabled: boolean) {
  return useQuery({ queryKey: jobKeys.status, queryFn: () => call(api.systemStatus), enabled, refetchInterval: IDLE_POLL_MS });
}

function useJobMutation<V, R>(fn: (v: V) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: jobKeys.all });
      // Runs on the nodes are charged: the balance's runway changes.
      void qc.invalidateQueries({ queryKey: billingKeys.all });
    },
  });
}

export const useCreateJob = () => useJobMutation((body: TCreateJobRequest) => call(api.createJob, { body }));
export const useUpdateJob = () => useJobMutation(({ id, body }: { id: string; body: TUpdateJobRequest }) => call(api.updateJob, { params: { id }, body }));
export const useDeleteJob = () => useJobMutation((id: string) => call(api.deleteJob, { params: { id } }));
export const useTriggerJob = () => useJobMutation((id: string) => call(api.triggerJob, { params: { id } }));
export const usePauseJob = () => useJobMutation((id: string) => call(api.pauseJob, { params: { id } }));
export const useDisableJob = () => useJobMutation((id: string) => call(api.disableJob, { params: { id } }));
export const useResumeJob = () => useJobMutation((id: string) => call(api.resumeJob, { params: { id } }));
export const useCancelRun = () => useJobMutation((id: string) => call(api.cancelRun, { params: { id } }));
export const useRetryRun = () => useJobMutation((id: string) => call(api.retryRun, { params: { id } }));

export function useUpdateWorker() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: { maxJobs?: number; tags?: string[]; enabled?: boolean } }) =>
      call(api.updateWorker, { params: { id }, body }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: jobKeys.all });
      void qc.invalidateQueries({ queryKey: nodeKeys.all });
    },
  });
}
