"""Results of asynchronous jobs are served once their job is COMPLETED, not before.

DaCHS declares a TAP job's result when it opens the file it writes it to,
and serves ``<job>/results/<name>`` whatever the job's phase: a result
being written (EXECUTING), or cut short by a failure such as a full disk
(ERROR), was served with status 200 as if it were whole.  :func:`install`
makes the results resource answer 404 with the job's phase for the results
of a job that is not COMPLETED, and list none.
"""

COMPLETED = "COMPLETED"


def install():
    """Makes DaCHS's UWS results resource serve only the results of COMPLETED jobs;
    returns False if that was done before."""
    from gavo import svcs
    from gavo.protocols import uwsactions

    action = uwsactions.ResultsAction
    if getattr(action.getResource, "completed_only", False):
        return False
    get_resource, do_get = action.getResource, action.doGET

    def getResource(self, job, request, segments):
        if segments and job.phase != COMPLETED and segments[0] in {
                result["resultName"] for result in job.getResults()}:
            raise svcs.UnknownURI(f"job {job.jobId} is {job.phase}: its result {segments[0]}"
                                  " is not available")
        return get_resource(self, job, request, segments)

    def doGET(self, job, request):
        if job.phase != COMPLETED:
            return uwsactions.UWS.results[[]]
        return do_get(self, job, request)

    getResource.completed_only = True
    action.getResource, action.doGET = getResource, doGET
    return True
