import type { AnyTask, Results, Task, TaskRecord } from '../task/task.ts';

/**
 * One host's task records for one run. Keyed by the task object itself, so a handle is the
 * task a role built and no name can collide; each host run has its own store, so a task object
 * shared by several hosts still reads each host's own result.
 */
export class ResultStore implements Results {
  private readonly records = new Map<AnyTask, TaskRecord>();

  of<R>(task: Task<any, any, R>): TaskRecord<R> | undefined {
    return this.records.get(task) as TaskRecord<R> | undefined;
  }

  set(task: AnyTask, record: TaskRecord): void {
    this.records.set(task, record);
  }
}
