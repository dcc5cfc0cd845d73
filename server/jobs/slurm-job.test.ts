import { describe, expect, it } from "vitest";
import type { JobRow } from "./jobs.repo";
import { parseSbatch, submissionOf } from "./slurm-job";

const job = (slurm: Record<string, unknown>, extra: Partial<JobRow> = {}) =>
  ({
    id: "j1",
    name: "train $model",
    timeoutSeconds: 90,
    config: JSON.stringify({ clusterId: "c", env: {}, gpus: 0, ...slurm }),
    ...extra,
  }) as unknown as JobRow;

describe("#SBATCH lines", () => {
  it("are read as sbatch reads them: only before the first command, long and short forms", () => {
    const s = parseSbatch(
      [
        "#!/bin/bash",
        "# a comment",
        "#SBATCH --partition=gpu",
        "#SBATCH -N 2",
        "#SBATCH --ntasks 8",
        "#SBATCH -c4",
        "#SBATCH --mem=4G",
        "#SBATCH --gres=gpu:a100:2",
        "#SBATCH --output=logs/%x-%j.out",
        "#SBATCH --mail-type=END",
        "#SBATCH --time=01:00:00",
        "",
        "echo start",
        "#SBATCH --partition=late",
      ].join("\n"),
    );
    expect(s.options).toEqual({ partition: "gpu", nodes: 2, tasks: 8, cpusPerTask: 4, memoryMbPerNode: 4096, gpus: 2, stdoutPath: "logs/%x-%j.out" });
    expect(s.ignored).toEqual(["--mail-type"]);
    // Other GRES are not GPUs.
    expect(parseSbatch("#!/bin/sh\n#SBATCH --gres=gpu:2,mps:100\n").options.gpus).toBe(2);
    expect(parseSbatch("#!/bin/sh\n#SBATCH --gres=mps:100\n").ignored).toEqual(["--gres"]);
  });

  it("give way to the job's own fields, and fill what the job leaves unset", () => {
    const script = "#!/bin/bash\n#SBATCH -p batch\n#SBATCH --gpus=1\n#SBATCH -o out-%j.txt\n#SBATCH --chdir=/scratch/u\nhostname\n";
    const mine = submissionOf({ id: "r1" }, job({ script, partition: "debug" }), "alice");
    expect(mine).toMatchObject({
      partition: "debug",
      gpus: 1,
      workingDirectory: "/scratch/u",
      stdoutPath: "/scratch/u/out-%j.txt",
      // Like sbatch: errors go to the output file when no error file is named.
      stderrPath: "/scratch/u/out-%j.txt",
      timeLimitMinutes: 2,
      name: "train _model",
      comment: "aiinfra run r1",
    });
    expect(mine.environment).toMatchObject({ AIINFRA_RUN_ID: "r1", AIINFRA_JOB_ID: "j1" });
  });

  it("default to the Slurm user's home and separate output and error files", () => {
    const s = submissionOf({ id: "r1" }, job({ script: "#!/bin/sh\ntrue\n" }), "alice");
    expect(s).toMatchObject({
      workingDirectory: "/home/alice",
      stdoutPath: "/home/alice/slurm-%j.out",
      stderrPath: "/home/alice/slurm-%j.err",
      partition: null,
      gpus: 0,
    });
    expect(submissionOf({ id: "r1" }, job({ script: "#!/bin/sh\n" }), "root").workingDirectory).toBe("/root");
  });
});
